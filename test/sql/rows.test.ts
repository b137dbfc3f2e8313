import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { pendingRows, readyRows } from '../../src/sql/rows.js';

describe('Rows', () => {
  it('is a plain array when ready, and awaiting it gives a copy that is not awaitable again', async () => {
    const rows = readyRows([1, 2, 3]);
    expect(rows.map((n) => n * 2)).toEqual([2, 4, 6]);
    expect(Object.keys(rows)).toEqual(['0', '1', '2']);
    const awaited = await rows;
    expect(awaited).toEqual([1, 2, 3]);
    expect('then' in awaited).toBe(false);
  });

  it('reads only when awaited, once, and throws the given error when used as an array', async () => {
    let reads = 0;
    const rows = pendingRows(
      async () => {
        reads++;
        return ['a'];
      },
      () => new Error('await me'),
    );
    expect(() => rows.map((x) => x)).toThrow('await me');
    expect(() => rows.length).toThrow('await me');
    expect(() => rows[0]).toThrow('await me');
    expect(reads).toBe(0);
    // A formatter probing for display hooks finds nothing, and inspect says what it is.
    expect((rows as unknown as Record<symbol, unknown>)[Symbol.for('Jupyter.display')]).toBeUndefined();
    expect(inspect(rows)).toMatch(/still in DuckDB/);
    expect(await rows).toEqual(['a']);
    expect(await rows.then((r) => r.length)).toBe(1);
    expect(reads).toBe(1);
  });

  it('passes a failed read to the awaiting code', async () => {
    const rows = pendingRows(() => Promise.reject(new Error('gone')), () => new Error('await me'));
    await expect(rows).rejects.toThrow('gone');
  });
});
