import { afterAll, describe, expect, it } from 'vitest';
import { engineHarness } from './engine-harness.js';

const { engine, value } = engineHarness();
afterAll(() => engine.shutdown());

describe('completion', () => {
  it('completes members of live objects at the cursor', async () => {
    await value("const order = { product: 'tea', price: 3, priceWithTax() { return 3.6 } }");
    const code = 'order.pri';
    const completion = await engine.complete(code, code.length);
    expect(completion.matches).toEqual(['price', 'priceWithTax']);
    expect(completion.cursorStart).toBe(6);
    expect(completion.cursorEnd).toBe(9);
    expect(completion.types?.find((t) => t.text === 'priceWithTax')?.type).toBe('function');
  });

  it('completes with the cursor in the middle of the code and after a dot', async () => {
    const code = 'const t = order.pro + 1';
    const cursor = code.indexOf('.pro') + 4;
    const completion = await engine.complete(code, cursor);
    expect(completion.matches).toEqual(['product']);
    expect([completion.cursorStart, completion.cursorEnd]).toEqual([cursor - 3, cursor]);
    const all = await engine.complete('order.', 6);
    // Object.prototype's members are noise on every object; they are left out.
    expect(all.matches).toEqual(['price', 'priceWithTax', 'product']);
    const strings = await engine.complete("order.product.toUpp", 19);
    expect(strings.matches).toEqual(['toUpperCase']);
  });

  it('completes globals and keywords', async () => {
    await value('const orderTotals = [1, 2]');
    const completion = await engine.complete('orde', 4);
    expect(completion.matches).toEqual(['order', 'orderTotals']);
    expect(completion.cursorStart).toBe(0);
    expect((await engine.complete('retu', 4)).matches).toContain('return');
    expect((await engine.complete('Mat', 3)).matches).toContain('Math');
  });

  it('completes magic names after % and %%, not hidden engine globals', async () => {
    const line = await engine.complete('%ls', 3);
    expect(line.matches).toEqual(['%lsmagic']);
    expect([line.cursorStart, line.cursorEnd]).toEqual([0, 3]);
    const cell = await engine.complete('%%wri', 5);
    expect(cell.matches).toEqual(['%%writefile']);
    const second = await engine.complete('x\n%tim', 6);
    expect(second.matches).toEqual(['%time', '%timeit']);
    expect(second.cursorStart).toBe(2);
    expect((await engine.complete('__dk', 4)).matches).toEqual([]);
    const assigned = await engine.complete('const here = %pw', 16);
    expect(assigned.matches).toEqual(['%pwd']);
    expect(assigned.cursorStart).toBe(13);
  });
});

describe('inspection', () => {
  it('shows a value\'s type and preview, and a function\'s signature and source', async () => {
    await value('function addTax(price: number, rate = 0.2): number { return price * (1 + rate) }');
    const fn = await engine.inspect('addTax(', 7, 0);
    expect(fn.found).toBe(true);
    expect(fn.data['text/plain']).toBe('addTax: function\nSignature: addTax(price, rate = 0.2)');
    const detailed = await engine.inspect('addTax', 3, 1);
    expect(detailed.data['text/plain']).toContain('return price * (1 + rate)');
    const member = await engine.inspect('order.price', 11, 0);
    expect(member.data['text/plain']).toBe('order.price: number\nValue: 3');
  });

  it('shows magic help and says when nothing is found', async () => {
    const magic = await engine.inspect('%timeit -n 10 x', 4, 0);
    expect(magic.found).toBe(true);
    expect(magic.data['text/plain']).toMatch(/^Usage: %timeit/);
    expect((await engine.inspect('notDefinedAnywhere', 5, 0)).found).toBe(false);
  });
});

describe('isComplete', () => {
  it('tells complete, incomplete (with indent) and invalid code apart', () => {
    expect(engine.isComplete('const a = 1')).toEqual({ status: 'complete' });
    expect(engine.isComplete('function f() {')).toEqual({ status: 'incomplete', indent: '  ' });
    expect(engine.isComplete('const s = `multi')).toMatchObject({ status: 'incomplete' });
    expect(engine.isComplete('call(1,')).toMatchObject({ status: 'incomplete' });
    expect(engine.isComplete('const = 1')).toEqual({ status: 'invalid' });
    expect(engine.isComplete('x )')).toEqual({ status: 'invalid' });
    expect(engine.isComplete('%time x')).toEqual({ status: 'complete' });
    expect(engine.isComplete('const t: Array<number> = [1]')).toEqual({ status: 'complete' });
    expect(engine.isComplete('%%writefile a.txt')).toMatchObject({ status: 'incomplete' });
    expect(engine.isComplete('%%writefile a.txt\nbody\n')).toEqual({ status: 'complete' });
  });
});
