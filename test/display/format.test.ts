import { tableFromArrays, tableFromJSON, Table, TimestampMillisecond, DateDay, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { format, formatNow, plainText } from '../../src/display/format.js';
import { JUPYTER_DISPLAY } from '../../src/display/mime.js';

const text = async (value: unknown) => String((await format(value))['text/plain']);

describe('format', () => {
  it('uses a value\'s own Jupyter.display bundle, sync or async', async () => {
    expect(await format({ [JUPYTER_DISPLAY]: () => ({ 'text/html': '<b>x</b>' }) })).toEqual({ 'text/html': '<b>x</b>' });
    expect(await format({ [JUPYTER_DISPLAY]: async () => ({ 'image/png': 'AAA' }) })).toEqual({ 'image/png': 'AAA' });
    expect(formatNow(42)).toEqual({ 'text/plain': '42' });
  });

  it('falls back to Node inspect text without colours', async () => {
    expect(await text({ a: [1, 'two'] })).toBe("{ a: [ 1, 'two' ] }");
    expect(plainText(new Set([1]))).toBe('Set(1) { 1 }');
    expect(await text([1, 2])).toBe('[ 1, 2 ]');
    expect(await text('x'.repeat(20_000))).toMatch(/\.\.\. 10000 more characters'?$/);
  });

  it('renders arrays of records as HTML and text tables', async () => {
    const bundle = await format([{ city: 'Oslo', temp: 3 }, { city: 'Rome', temp: 18, wind: 'N' }]);
    expect(bundle['text/plain']).toBe('city │ temp │ wind\n─────┼──────┼─────\nOslo │ 3    │\nRome │ 18   │ N\n2 rows × 3 columns');
    expect(bundle['text/html']).toContain('<th>wind</th>');
  });

  it('renders an apache-arrow Table: Arrow types, NULLs, the first 20 rows with the row count', async () => {
    const table = tableFromArrays({ id: Int32Array.from({ length: 1000 }, (_, i) => i), name: Array.from({ length: 1000 }, (_, i) => (i % 2 ? `n${i}` : null)) });
    const bundle = await format(table);
    const lines = String(bundle['text/plain']).split('\n');
    expect(lines[0]).toBe('Arrow Table');
    expect(lines[1]).toMatch(/^id \(Int32\)\s+│ name \(Dictionary<Int32, Utf8>\)$/);
    expect(lines[3]).toMatch(/^0\s+│ NULL$/);
    expect(lines[4]).toMatch(/^1\s+│ n1$/);
    expect(lines.at(-1)).toBe('20 of 1,000 rows shown × 2 columns');
    expect(String(bundle['text/html']).match(/<tr>/g)).toHaveLength(21);
  });

  it('shows Arrow timestamps and dates as dates, and nested values as JSON', async () => {
    const table = new Table({
      at: vectorFromArray([new Date('2024-01-02T03:04:05Z')], new TimestampMillisecond()),
      day: vectorFromArray([new Date('2024-01-02T00:00:00Z')], new DateDay()),
    });
    expect(await text(table)).toMatch(/2024-01-02T03:04:05.000Z\s+│ 2024-01-02\n/);
    const nested = tableFromJSON([{ s: { x: 1 }, big: 2n ** 40n }]);
    expect(await text(nested)).toMatch(/\{"x":1\}\s+│ 1099511627776/);
  });
});
