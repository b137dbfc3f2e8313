import { describe, expect, it } from 'vitest';
import { columnsFromRecords } from '../../src/ml/columns.js';
import { fitPreparation, MAX_CATEGORIES, prepare } from '../../src/ml/preparation.js';
import { encodeTarget, inferTarget, labelledRows } from '../../src/ml/target.js';

const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('feature preparation', () => {
  const records = [
    { x: 1, c: 'a' },
    { x: 3, c: 'b' },
    { x: null, c: 'a' },
    { x: 5, c: null },
    { x: 3, c: 'b' },
    { x: 3, c: 'a' },
  ];
  const batch = columnsFromRecords(records, { x: 'number', c: 'string' });

  it('standardises numbers, one-hot encodes categories, imputes nulls with an indicator', () => {
    const prep = fitPreparation(batch, { x: 'number', c: 'string' }, all(6));
    expect(prep.outputColumns).toEqual(['x', 'x_missing', 'c=a', 'c=b', 'c=other', 'c_missing']);
    const x = prepare(prep, batch);
    const row = (i: number) => Array.from(x.subarray(i * 6, i * 6 + 6));
    // mean 3, sample std sqrt(2)
    expect(row(0)[0]).toBeCloseTo(-2 / Math.SQRT2);
    expect(row(1)[0]).toBeCloseTo(0);
    expect(row(2)).toEqual([0, 1, 1, 0, 0, 0]);
    // A null category takes the mode ("a") and sets its indicator.
    expect(row(3).slice(2)).toEqual([1, 0, 0, 1]);
  });

  it('learns only from the training rows and sends unseen or rare categories to "other"', () => {
    const prep = fitPreparation(batch, { x: 'number', c: 'string' }, Int32Array.from([0, 1, 5]));
    // "b" is seen once in these rows: too rare for its own column.
    expect(prep.outputColumns).toEqual(['x', 'c=a', 'c=other']);
    expect(prep.features[0]).toMatchObject({ mean: 7 / 3 });
    const fresh = columnsFromRecords([{ x: 2, c: 'zzz' }], { x: 'number', c: 'string' });
    expect(Array.from(prepare(prep, fresh))).toEqual([expect.closeTo(-1 / 3 / Math.sqrt(4 / 3), 5), 0, 1]);
  });

  it('caps the one-hot width and groups rare categories', () => {
    const many = columnsFromRecords(
      Array.from({ length: 2000 }, (_, i) => ({ c: i < 1000 ? `frequent${i % 40}` : i % 2 ? 'common' : `rare${i}` })),
      { c: 'string' },
    );
    const prep = fitPreparation(many, { c: 'string' }, all(2000));
    expect(prep.outputColumns.length).toBe(MAX_CATEGORIES + 1);
    expect(prep.outputColumns).toContain('c=common');
    expect(prep.outputColumns.some((c) => c.startsWith('c=rare'))).toBe(false);
  });
});

describe('task inference', () => {
  const infer = (values: unknown[]) => {
    const batch = columnsFromRecords(values.map((y) => ({ y })), { y: typeof values[0] === 'number' ? 'number' : 'string' });
    return inferTarget('y', batch.columns.y, labelledRows(batch.columns.y, values.length));
  };

  it('reads numbers with many values as regression, two values as binary, text or few integers as classes', () => {
    expect(infer(Array.from({ length: 100 }, (_, i) => i * 1.5)).task).toBe('regression');
    expect(infer(Array.from({ length: 100 }, (_, i) => i % 2)).task).toBe('binary');
    expect(infer(Array.from({ length: 100 }, (_, i) => (i % 5) + 1)).task).toBe('multiclass');
    expect(infer(['a', 'b', 'c', 'a'])).toMatchObject({ task: 'multiclass', classes: ['a', 'b', 'c'] });
  });

  it('drops rows without a label and encodes classes as indices', () => {
    const batch = columnsFromRecords([{ y: 'b' }, { y: null }, { y: 'a' }], { y: 'string' });
    const rows = labelledRows(batch.columns.y, 3);
    expect(Array.from(rows)).toEqual([0, 2]);
    const target = inferTarget('y', batch.columns.y, rows);
    expect(Array.from(encodeTarget(target, batch.columns.y, rows))).toEqual([1, 0]);
  });

  it('refuses a constant target', () => {
    expect(() => infer(['a', 'a', 'a'])).toThrow(/only one value/);
  });
});
