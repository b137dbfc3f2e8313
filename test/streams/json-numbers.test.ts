import { describe, expect, it } from 'vitest';
import { keepJsonDoubles, keepJsonDoublesIn } from '../../src/streams/json-numbers.js';

describe('keepJsonDoubles: JSON has one number type', () => {
  it('keeps DOUBLE where integers arrive after fractions, at the top and nested', () => {
    expect(keepJsonDoubles('DOUBLE', 'BIGINT')).toBe('DOUBLE');
    expect(keepJsonDoubles('DOUBLE', 'UBIGINT')).toBe('DOUBLE');
    expect(keepJsonDoubles('STRUCT(sku VARCHAR, qty DOUBLE)', 'STRUCT(sku VARCHAR, qty BIGINT)')).toBe('STRUCT(sku VARCHAR, qty DOUBLE)');
    expect(keepJsonDoubles('DOUBLE[]', 'BIGINT[]')).toBe('DOUBLE[]');
  });

  it('leaves real changes: a widening, other kinds, a new nested field', () => {
    expect(keepJsonDoubles('BIGINT', 'DOUBLE')).toBe('DOUBLE');
    expect(keepJsonDoubles('DOUBLE', 'VARCHAR')).toBe('VARCHAR');
    expect(keepJsonDoubles('STRUCT(qty DOUBLE)', 'STRUCT(qty BIGINT, extra VARCHAR)')).toBe('STRUCT(qty DOUBLE, extra VARCHAR)');
    expect(keepJsonDoubles('VARCHAR', 'BIGINT')).toBe('BIGINT');
  });

  it('returns the same columns when nothing is kept, new ones when something is', () => {
    const before = [{ name: 'amount', duckdbType: 'DOUBLE', sourceType: 'DOUBLE' }];
    const same = [{ name: 'amount', duckdbType: 'DOUBLE', sourceType: 'DOUBLE' }];
    expect(keepJsonDoublesIn(before, same)).toBe(same);
    expect(keepJsonDoublesIn(before, [{ name: 'amount', duckdbType: 'BIGINT', sourceType: 'BIGINT' }])).toEqual(before);
  });
});
