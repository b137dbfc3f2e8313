import { describe, expect, it } from 'vitest';
import { format } from '../../src/display/format.js';

// danfojs-node takes seconds to load: one file, one import, shared by every case.
const dfd = await import('danfojs-node');

describe('format of danfo.js values', () => {
  it('renders a DataFrame as a table with dtypes', async () => {
    const df = new dfd.DataFrame({ a: [1, 2, 3], b: ['x', 'y', 'z'], ok: [true, false, true] });
    const bundle = await format(df);
    expect(bundle['text/plain']).toBe(
      ['DataFrame', 'a (int32) │ b (string) │ ok (boolean)', '──────────┼────────────┼─────────────', '1         │ x          │ true', '2         │ y          │ false', '3         │ z          │ true', '3 rows × 3 columns'].join('\n'),
    );
    expect(bundle['text/html']).toMatch(/<caption>DataFrame<\/caption>.*<th>a<br><small[^>]*>int32<\/small><\/th>/s);
  });

  it('shows the first 20 rows of a big frame with the full count, and a custom index', async () => {
    const big = new dfd.DataFrame({ n: Array.from({ length: 5000 }, (_, i) => i * 2) });
    const lines = String((await format(big))['text/plain']).split('\n');
    expect(lines.at(-1)).toBe('20 of 5,000 rows shown × 1 column');
    expect(lines.at(-2)).toBe('38');
    const indexed = new dfd.DataFrame({ v: [10, 20] }, { index: ['first', 'second'] });
    expect(String((await format(indexed))['text/plain'])).toMatch(/first\s+│ 10\nsecond │ 20/);
  });

  it('renders a Series with its index', async () => {
    const series = new dfd.Series([1.5, 2.5], { index: ['a', 'b'] });
    const textOut = String((await format(series))['text/plain']);
    expect(textOut.split('\n')[0]).toBe('Series');
    expect(textOut).toMatch(/a │ 1.5\nb │ 2.5/);
  });
});
