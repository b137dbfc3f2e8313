import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { engineHarness } from './engine-harness.js';
import { RecordingSink } from '../helpers/magic-context.js';

const { engine, dir, run, value, executionCount } = engineHarness();
const startDir = process.cwd();
afterAll(async () => {
  process.chdir(startDir);
  await engine.shutdown();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('TypeScript cells', () => {
  it('shows a last expression esbuild folds to a constant and would drop', async () => {
    expect(await value("const greeting: string = 'a'; 'a' + 'b'")).toBe("'ab'");
    expect(await value('const k: number = 1;\n-1')).toBe('-1');
    expect(await value('const j: number = 1\n-1\nj')).toBe('0'); // no semicolon: j = 1 - 1
    expect(await value("const parts: string[] = ['x']\nparts.length + 'y' + 'z'")).toBe("'1yz'");
    // Still no result where the cell ends in a declaration.
    const { outcome } = await run('const after: number = 2');
    expect(outcome.status === 'ok' && outcome.result).toBeUndefined();
  });

  it('runs a braceless loop body on the last line as the body, leaving no hidden global behind', async () => {
    const { outcome } = await run('let total: number = 0\nfor (const x of [1, 2, 3])\n  total += x');
    expect(outcome.status === 'ok' && outcome.result).toBeUndefined();
    expect(await value('total')).toBe('6');
    expect(await value("Object.keys(globalThis).filter((k) => k.startsWith('__dk')).length")).toBe('0');
  });

  it('returns a last expression esbuild prints in parentheses (an async arrow, an object, a sequence)', async () => {
    expect(await value('const add: number = 1;\n(async (a: number) => a + add)')).toMatch(/^\[AsyncFunction/);
    expect(await value('let s: number = 0;\n(s = 4, s + 1)')).toBe('5');
    expect(await value("const key: string = 'k'; ({ [key]: 1 })")).toBe('{ k: 1 }');
    expect(await value('const f = async (a: number) => a + 1; (async (x: number) => await f(x))')).toMatch(/AsyncFunction/);
  });

  it('maps an error in a marked last expression to its column as written', async () => {
    const { outcome } = await run('const bad: any = null\n  bad.field');
    expect(outcome.status).toBe('error');
    if (outcome.status === 'error') expect(outcome.error.traceback.join('\n')).toMatch(/\(cell\[\d+\]:2:7\)/);
  });

  it('strips types: interfaces, annotations, generics, enums, casts', async () => {
    expect(await value('interface P { a: number }\ntype T = string | number\nfunction id<X>(x: X): X { return x }\nconst p: P = { a: id<number>(2) }\np.a as number')).toBe('2');
    expect(await value('enum Color { Red, Green }\nColor.Green')).toBe('1');
  });

  it('keeps const, let, class and function across cells, and re-runs `const x`', async () => {
    await value('const kept = 1\nlet counter = 10\nclass Box { constructor(public v: number) {} }\nfunction twice(n: number) { return n * 2 }');
    expect(await value('kept + counter + new Box(3).v + twice(4)')).toBe('22');
    expect(await value('const kept = 5\nkept')).toBe('5');
    expect(await value('counter++; counter')).toBe('11');
    expect(await value('const { a: da, b: [db] } = { a: 1, b: [2] }\nda + db')).toBe('3');
  });

  it('awaits a promise the cell ends with, so `display(x)` or `fetchRows()` as the last line just works', async () => {
    expect(await value('Promise.resolve(5)')).toBe('5');
    expect(await value('(async () => [1])()')).toBe('[ 1 ]');
  });

  it('awaits at top level', async () => {
    expect(await value('const later = await new Promise<number>((r) => setTimeout(() => r(7), 5))\nlater * 6')).toBe('42');
    expect(await value('for await (const v of (async function* () { yield 1; yield 2 })()) { globalThis.lastV = v }\nlastV')).toBe('2');
  });

  it('shows the last expression like Node\'s REPL, without ANSI colours', async () => {
    expect(await value("({ a: 1, b: 'x', nested: { deep: [1, 2] } })")).toBe("{ a: 1, b: 'x', nested: { deep: [ 1, 2 ] } }");
    expect(await value('{ a: 1 }')).toBe('{ a: 1 }');
    expect(await value("'text'")).toBe("'text'");
    expect(await value('new Map([[1, 2]])')).toBe('Map(1) { 1 => 2 }');
    const { outcome } = await run('const nothing = 1');
    expect(outcome).toEqual({ status: 'ok', result: undefined, nextInput: undefined });
    expect(await value('[1, 2, 3].map((n) => n * 2)')).not.toMatch(/\u001b\[/);
  });

  it('keeps the last result in `_`, unless the user declared `_` themselves', async () => {
    await value('6 * 7');
    expect(await value('_ + 1')).toBe('43');
    await value('const _ = { chunk: (xs: number[]) => xs }\n1');
    expect(await value('typeof _.chunk')).toBe("'function'");
  });
});

describe('imports', () => {
  it('imports node: builtins and bare builtins, as named, default and namespace imports', async () => {
    expect(await value("import { join as joinPath } from 'node:path'\njoinPath('a', 'b')")).toBe("'a/b'");
    expect(await value("import os from 'os'\ntypeof os.cpus")).toBe("'function'");
    expect(await value("import * as fsp from 'node:fs/promises'\ntypeof fsp.readFile")).toBe("'function'");
  });

  it('imports an npm package (apache-arrow) and require works', async () => {
    expect(await value("import { tableFromArrays } from 'apache-arrow'\ntableFromArrays({ n: Int32Array.from([1, 2, 3]) }).numRows")).toBe('3');
    expect(await value("const { EOL } = require('node:os')\nJSON.stringify(EOL)")).toBe("'\"\\\\n\"'");
  });

  it('imports a local .ts file relative to the working directory, and sees edits', async () => {
    mkdirSync(join(dir, 'lib'), { recursive: true });
    writeFileSync(join(dir, 'lib', 'math.ts'), 'export const square = (n: number): number => n * n;\nexport default 10;\n');
    process.chdir(dir);
    try {
      expect(await value("import base, { square } from './lib/math.ts'\nsquare(3) + base")).toBe('19');
      await sleep(20);
      writeFileSync(join(dir, 'lib', 'math.ts'), 'export const square = (n: number): number => n * n * 2;\nexport default 0;\n');
      expect(await value("import base2, { square as sq } from './lib/math'\nsq(3) + base2")).toBe('18');
    } finally {
      process.chdir(startDir);
    }
  });

  it('names a missing package with a hint', async () => {
    const { outcome } = await run("import nope from 'surely-not-installed-pkg'");
    expect(outcome.status).toBe('error');
    if (outcome.status === 'error') expect(outcome.error.traceback.join('\n')).toMatch(/npm install surely-not-installed-pkg/);
  });
});

describe('output routing', () => {
  it('sends console output of the cell, also from a timer firing after it returned, to that cell', async () => {
    const first = await run("console.log('now'); console.error('err'); setTimeout(() => console.log('later from first'), 30); 1");
    const second = await run('2');
    await sleep(80);
    expect(first.sink.outputs).toEqual([
      { kind: 'stream', name: 'stdout', text: 'now\n' },
      { kind: 'stream', name: 'stderr', text: 'err\n' },
      { kind: 'stream', name: 'stdout', text: 'later from first\n' },
    ]);
    expect(second.sink.outputs).toEqual([]);
  });

  it('runs shell lines', async () => {
    const { sink } = await run('!echo hi\n!echo oops 1>&2');
    expect(sink.outputs).toEqual([
      { kind: 'stream', name: 'stdout', text: 'hi\n' },
      { kind: 'stream', name: 'stderr', text: 'oops\n' },
    ]);
  });
});

describe('errors', () => {
  it('points the traceback into the cell as written, past type-only lines', async () => {
    const code = ['interface Row {', '  id: number', '}', 'const rows: Row[] = [{ id: 1 }]', 'function check(r: Row): never {', "  throw new Error('bad row ' + r.id)", '}', 'check(rows[0])'].join('\n');
    const { outcome } = await run(code);
    expect(outcome.status).toBe('error');
    if (outcome.status !== 'error') return;
    expect(outcome.error.ename).toBe('Error');
    expect(outcome.error.evalue).toBe('bad row 1');
    const traceback = outcome.error.traceback.join('\n');
    // Named after the execution count, as In [n] shows it.
    expect(traceback).toMatch(/at check \(cell\[\d+\]:6:9\)/);
    expect(traceback).toContain(`(cell[${executionCount()}]:8:1)`);
    expect(traceback).toContain("6 |   throw new Error('bad row ' + r.id)");
    expect(traceback).toMatch(/\(cell\[\d+\]:8:1\)/);
    expect(traceback).not.toMatch(/\u001b\[|node:internal|src\/engine/);
  });

  it('names runs that repeat one execution count (silent runs) cell[n.1], cell[n.2]..., each traceback in its own cell', async () => {
    const count = 90_000;
    const failAt = (line: number) => engine.execute({ code: `${'\n'.repeat(line - 1)}throw new Error('line ${line}')`, executionCount: count }, new RecordingSink());
    const tracebacks: string[] = [];
    for (const line of [1, 2, 3, 4]) {
      const outcome = await failAt(line);
      if (outcome.status === 'error') tracebacks.push(outcome.error.traceback.join('\n'));
    }
    expect(tracebacks).toHaveLength(4);
    expect(tracebacks[0]).toContain(`cell[${count}]:1:`);
    expect(tracebacks[1]).toContain(`cell[${count}.1]:2:`);
    expect(tracebacks[2]).toContain(`cell[${count}.2]:3:`);
    expect(tracebacks[3]).toContain(`cell[${count}.3]:4:`);
    // Errors thrown later by an earlier run still point into that run's cell.
    const late = await engine.execute({ code: `globalThis.__dkRethrow = () => { throw new Error('late') }`, executionCount: count }, new RecordingSink());
    expect(late.status).toBe('ok');
    const again = await engine.execute({ code: `\n\n__dkRethrow()`, executionCount: count }, new RecordingSink());
    expect(again.status === 'error' && again.error.traceback.join('\n')).toMatch(new RegExp(`cell\\[${count}\\.4\\]:1:[\\s\\S]*cell\\[${count}\\.5\\]:3:`));
  });

  it('reports syntax errors at their place', async () => {
    const { outcome } = await run('const ok = 1\nconst = 2');
    expect(outcome.status === 'error' && outcome.error.ename).toBe('SyntaxError');
    if (outcome.status === 'error') expect(outcome.error.traceback[0]).toMatch(/line 2/);
  });

  it('reports an unhandled rejection and an exception in a callback, and lives on', async () => {
    const { sink } = await run("Promise.reject(new Error('nobody caught me'))\nsetTimeout(() => { throw new TypeError('in a timer') }, 10)\n'started'");
    await sleep(100);
    const text = sink.text();
    expect(text).toMatch(/Unhandled promise rejection:\nError: nobody caught me/);
    expect(text).toMatch(/Uncaught exception in a callback:\nTypeError: in a timer/);
    expect(await value('kept')).toBe('5');
  });

  it('turns process.exit() in a cell, and in its timers, into an error: the kernel and its state live on', async () => {
    await value('const survivor = 11');
    const { outcome } = await run('process.exit(3)');
    expect(outcome.status === 'error' && outcome.error.evalue).toMatch(/process\.exit\(3\) would end the kernel/);
    const { sink } = await run('setTimeout(() => process.exit(4), 10); 0');
    await sleep(100);
    expect(sink.text()).toMatch(/Uncaught exception in a callback:\n.*process\.exit\(4\) would end the kernel/);
    expect(await value('survivor')).toBe('11');
  });

  it('shows an Error value with its stack mapped into the cell', async () => {
    const shown = await value("const made = new TypeError('as a value')\nmade");
    expect(shown).toMatch(/^TypeError: as a value\n    at \(cell\[\d+\]:1:14\)/);
    expect(shown).not.toMatch(/node:vm|src\/engine/);
  });

  it('shows thrown non-errors', async () => {
    const { outcome } = await run("throw 'plain'");
    expect(outcome.status === 'error' && outcome.error.evalue).toBe('plain');
  });
});

describe('display', () => {
  it('shows objects with the Jupyter.display protocol, as results and through display()', async () => {
    const value = "({ [Symbol.for('Jupyter.display')]() { return { 'text/html': '<b>hi</b>', 'text/plain': 'hi' } } })";
    const { outcome } = await run(value);
    expect(outcome.status === 'ok' && outcome.result).toEqual({ 'text/html': '<b>hi</b>', 'text/plain': 'hi' });
    const shown = await run(`await display(${value})`);
    expect(shown.outcome.status === 'ok' && shown.outcome.result).toBeUndefined();
    expect(shown.sink.outputs[0].data).toEqual({ 'text/html': '<b>hi</b>', 'text/plain': 'hi' });
  });

  it('display.html/markdown, updates by displayId, and clearOutput', async () => {
    const { sink } = await run("display.html('<i>a</i>', { displayId: 'd1' })\ndisplay.markdown('# T')\ndisplay.update('d1', 42)\nclearOutput({ wait: true })");
    expect(sink.outputs.map((o) => o.kind)).toEqual(['display', 'display', 'display', 'clear']);
    expect(sink.outputs[0]).toMatchObject({ data: { 'text/html': '<i>a</i>' }, options: { displayId: 'd1', update: false } });
    expect(sink.outputs[1].data?.['text/markdown']).toBe('# T');
    expect(sink.outputs[2]).toMatchObject({ data: { 'text/plain': '42' }, options: { displayId: 'd1', update: true } });
  });

  it('renders arrays of records as tables', async () => {
    const { outcome } = await run("[{ a: 1, b: 'x' }, { a: 2, b: 'y' }]");
    expect(outcome.status === 'ok' && String(outcome.result?.['text/html'])).toContain('<table');
  });
});

describe('magics, help and shell in cells', () => {
  it('assigns a line magic\'s value (x = %who, const d = %pwd)', async () => {
    await value('const whoTarget = 123');
    expect(await value('names = %who\nnames.includes("whoTarget")')).toBe('true');
    expect(await value('const here = %pwd\nhere === process.cwd()')).toBe('true');
  });

  it('runs a cell magic and reports unknown magics with near names', async () => {
    const { outcome } = await run('%%writefile written.txt\nhello');
    expect(outcome.status).toBe('ok');
    const unknown = await run('%lsmagik');
    expect(unknown.outcome.status === 'error' && unknown.outcome.error.traceback.join('\n')).toMatch(/Unknown magic %lsmagik[\s\S]*%lsmagic/);
  });

  it('answers ?name, name? and %name? with help', async () => {
    await value('/** docs */ function helped(a: number, b = 2) { return a + b }');
    const fn = await run('?helped');
    expect(fn.sink.text()).toMatch(/helped: function\nSignature: helped\(a, b = 2\)/);
    const magic = await run('%timeit?');
    expect(magic.sink.text()).toMatch(/^Usage: %timeit/);
    const missing = await run('nothingHere?');
    expect(missing.sink.text()).toBe('Object `nothingHere` not found.');
  });

  it('gives help back as a page, not output, to a front end with a pager', async () => {
    const paged = await run('Math.max?', { pager: true });
    expect(paged.sink.outputs).toEqual([]);
    expect(paged.outcome.status === 'ok' && paged.outcome.result).toBeUndefined();
    expect(paged.outcome.status === 'ok' && paged.outcome.page?.['text/plain']).toMatch(/max/);
    const two = await run('?helped\n%timeit?', { pager: true });
    expect(two.outcome.status === 'ok' && two.outcome.page?.['text/plain']).toMatch(/helped: function[\s\S]*\n\nUsage: %timeit/);
    const none = await run('1 + 1', { pager: true });
    expect(none.outcome.status === 'ok' && none.outcome.page).toBeUndefined();
  });
});
