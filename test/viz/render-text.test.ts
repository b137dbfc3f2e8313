import { describe, expect, it } from 'vitest';
import { plot, renderText } from '../../src/viz/index.js';

const rows = [
  { city: 'Oslo', sales: 10 },
  { city: 'Rome', sales: 5 },
  { city: 'Lima', sales: 0 },
];

describe('Unicode rendering', () => {
  it('draws category bars as labelled rows, lengths proportional to the values', async () => {
    const text = await plot.bar(rows, { x: 'city', y: 'sales', title: 'Sales' }).toText(60);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Sales');
    const bar = (city: string) => lines.find((l) => l.trim().startsWith(city))!;
    const length = (line: string) => (line.split('│')[1].match(/[█▏▎▍▌▋▊▉]/g) ?? []).length;
    expect(bar('Oslo')).toMatch(/ 10$/);
    expect(length(bar('Oslo'))).toBeGreaterThan(length(bar('Rome')) * 1.8);
    expect(length(bar('Lima'))).toBe(0);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(60);
  });

  it('draws points with braille dots inside an axis frame', async () => {
    const text = await plot.scatter({ x: [0, 1, 2, 3], y: [0, 1, 4, 9] }, { x: 'x', y: 'y' }).toText(40);
    const dots = [...text].filter((c) => c >= '\u2801' && c <= '\u28ff');
    expect(dots.length).toBe(4);
    expect(text).toContain('└');
    expect(text).toContain('┤');
  });

  it('marks each colour series with its own glyph, named in the legend', async () => {
    const data = { x: [1, 2, 3, 1, 2, 3], y: [1, 2, 3, 6, 5, 4], s: ['up', 'up', 'up', 'down', 'down', 'down'] };
    const text = await plot.scatter(data, { x: 'x', y: 'y', color: 's' }).toText(50);
    expect(text.split('\n').at(-1)).toBe('• down   × up');
    expect([...text].filter((c) => c === '•').length).toBe(4);
  });

  it('draws histograms as columns of eighth blocks, boxes with whiskers, heatmaps in shades, pies as shares', async () => {
    const values = Array.from({ length: 100 }, (_, i) => ({ v: i < 80 ? 1 : 9, g: i % 2 ? 'a' : 'b' }));
    expect(await plot.histogram(values, { x: 'v', bins: 4 }).toText(50)).toMatch(/█/);
    const box = await plot.box(values.map((r, i) => ({ ...r, v: i % 10 })), { x: 'g', y: 'v' }).toText(50);
    expect(box).toMatch(/a │.*├.*┃/);
    expect(await plot.heatmap(values, { x: 'g', y: 'v' }).toText(50)).toMatch(/[░▒▓█]/);
    expect(await plot.pie(rows, { x: 'city', y: 'sales' }).toText(50)).toMatch(/Oslo │█+ 66\.7% \(10\)/);
  });

  it('renders raw figures too', () => {
    expect(renderText({ data: [{ type: 'bar', x: ['a', 'b'], y: [1, 2] }] }, 40)).toMatch(/b │█+ 2/);
  });
});
