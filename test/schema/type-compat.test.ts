import { describe, expect, it } from 'vitest';
import { normaliseType, typeChange } from '../../src/schema/index.js';

describe('normaliseType', () => {
  it('maps source spellings to DuckDB types', () => {
    expect(normaliseType('character varying(40)')).toBe('VARCHAR(40)');
    expect(normaliseType('int4')).toBe('INTEGER');
    expect(normaliseType('int(11) unsigned')).toBe('UINTEGER');
    expect(normaliseType('numeric(10,2)')).toBe('DECIMAL(10,2)');
    expect(normaliseType('timestamp(3) without time zone')).toBe('TIMESTAMP');
    expect(normaliseType('timestamp with time zone')).toBe('TIMESTAMP WITH TIME ZONE');
    expect(normaliseType('_int4')).toBe('INTEGER[]');
    expect(normaliseType('STRUCT(a INTEGER, "b c" VARCHAR)')).toBe('STRUCT(a INTEGER, "b c" VARCHAR)');
    expect(normaliseType('double precision')).toBe('DOUBLE');
  });
});

describe('typeChange', () => {
  const verdict = (from: string, to: string) => typeChange(from, to).compatible;
  it('accepts widening on the integer lattice and rejects narrowing', () => {
    expect(verdict('TINYINT', 'SMALLINT')).toBe(true);
    expect(verdict('INTEGER', 'BIGINT')).toBe(true);
    expect(verdict('BIGINT', 'HUGEINT')).toBe(true);
    expect(verdict('BIGINT', 'INTEGER')).toBe(false);
    expect(verdict('UINTEGER', 'BIGINT')).toBe(true);
    expect(verdict('INTEGER', 'UINTEGER')).toBe(false);
  });
  it('knows which integers floats and decimals hold exactly', () => {
    expect(verdict('INTEGER', 'DOUBLE')).toBe(true);
    expect(verdict('BIGINT', 'DOUBLE')).toBe(false);
    expect(verdict('INTEGER', 'DECIMAL(12,2)')).toBe(true);
    expect(verdict('INTEGER', 'DECIMAL(10,2)')).toBe(false);
    expect(verdict('FLOAT', 'DOUBLE')).toBe(true);
    expect(verdict('DOUBLE', 'FLOAT')).toBe(false);
  });
  it('compares DECIMAL precision and scale and VARCHAR length', () => {
    expect(verdict('DECIMAL(10,2)', 'DECIMAL(12,2)')).toBe(true);
    expect(verdict('DECIMAL(10,2)', 'DECIMAL(10,1)')).toBe(false);
    expect(verdict('DECIMAL(10,2)', 'DECIMAL(10,3)')).toBe(false);
    expect(verdict('VARCHAR(20)', 'VARCHAR(40)')).toBe(true);
    expect(verdict('VARCHAR(40)', 'VARCHAR(20)')).toBe(false);
    expect(verdict('VARCHAR(40)', 'VARCHAR')).toBe(true);
    expect(verdict('VARCHAR', 'VARCHAR(40)')).toBe(false);
  });
  it('treats anything into text as compatible and text into anything else as breaking', () => {
    expect(verdict('DATE', 'VARCHAR')).toBe(true);
    expect(verdict('VARCHAR', 'INTEGER')).toBe(false);
    expect(typeChange('VARCHAR', 'INTEGER').reason).toMatch(/parse/);
  });
  it('follows nested types', () => {
    expect(verdict('INTEGER[]', 'BIGINT[]')).toBe(true);
    expect(verdict('BIGINT[]', 'INTEGER[]')).toBe(false);
    expect(verdict('STRUCT(a INTEGER)', 'STRUCT(a BIGINT, b VARCHAR)')).toBe(true);
    expect(verdict('STRUCT(a INTEGER, b VARCHAR)', 'STRUCT(a INTEGER)')).toBe(false);
    expect(verdict('DATE', 'TIMESTAMP')).toBe(true);
    expect(verdict('TIMESTAMP', 'DATE')).toBe(false);
  });
});
