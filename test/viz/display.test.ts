import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { format } from '../../src/display/format.js';
import { runWithOutput } from '../../src/display/output.js';
import { PLOTLY_MIME, plot, reshipPlotly, type Figure } from '../../src/viz/index.js';
import { RecordingSink } from '../helpers/magic-context.js';

const rows = [
  { k: 'a', v: 1 },
  { k: 'b', v: 3 },
];
const PLOTLY_BANNER = '* plotly.js v';
const count = (text: string, part: string) => text.split(part).length - 1;

describe('MIME bundle', () => {
  beforeEach(() => reshipPlotly());

  it('carries plotly JSON, HTML with an SVG fallback, SVG and text', async () => {
    const chart = plot.bar(rows, { x: 'k', y: 'v' });
    const bundle = await runWithOutput(new RecordingSink(), () => format(chart));
    expect(Object.keys(bundle).sort()).toEqual([PLOTLY_MIME, 'image/svg+xml', 'text/html', 'text/plain'].sort());
    expect((bundle[PLOTLY_MIME] as Figure).data[0]).toMatchObject({ type: 'bar', x: ['a', 'b'], y: [1, 3] });
    const html = bundle['text/html'] as string;
    expect(html).toContain('<svg');
    expect(html).toContain('window.Plotly.newPlot');
    expect(bundle['image/svg+xml']).toMatch(/^<svg/);
    expect(bundle['text/plain']).toMatch(/b │█+ 3/);
  });

  it('ships plotly.js with the first chart of the session only; later charts wait for window.Plotly', async () => {
    const first = (await format(plot.bar(rows, { x: 'k', y: 'v' })))['text/html'] as string;
    const second = (await format(plot.pie(rows, { x: 'k', y: 'v' })))['text/html'] as string;
    expect(count(first, PLOTLY_BANNER)).toBe(1);
    expect(first.length).toBeGreaterThan(4_000_000);
    expect(count(second, PLOTLY_BANNER)).toBe(0);
    expect(second.length).toBeLessThan(20_000);
    // require.js (classic Notebook) must not capture the bundle as an anonymous AMD module.
    expect(first).toContain('(function (define, module, exports) {');
    expect(second).toContain('if (window.Plotly)');
  });

  it('keeps </script> inside data from ending the script element', async () => {
    const html = (await format(plot.bar([{ k: '</script><b>', v: 1 }], { x: 'k', y: 'v' })))['text/html'] as string;
    const script = html.slice(html.lastIndexOf('<script'));
    expect(count(script, '</script>')).toBe(1);
  });

  it('shows just the Unicode rendering, at the terminal width, when the output is a terminal', async () => {
    const terminal = Object.assign(new RecordingSink(), { terminal: true, columns: 40 });
    const bundle = await runWithOutput(terminal, () => format(plot.bar(rows, { x: 'k', y: 'v' })));
    expect(bundle['text/html']).toBeUndefined();
    const text = bundle['text/plain'] as string;
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(40);
    expect(text).toMatch(/a │█+[▏▎▍▌▋▊▉]? 1$/m);
  });

  it('saves a standalone HTML file with plotly.js inline and returns its path', async () => {
    const path = await plot.scatter(rows, { x: 'k', y: 'v', title: 'Saved' }).save(join(tmpdir(), `viz-save-${process.pid}.html`));
    try {
      const html = readFileSync(path, 'utf8');
      expect(html).toMatch(/^<!DOCTYPE html>/);
      expect(html).toContain('<title>Saved</title>');
      expect(count(html, PLOTLY_BANNER)).toBe(1);
    } finally {
      rmSync(path);
    }
    expect(existsSync(path)).toBe(false);
  });
});
