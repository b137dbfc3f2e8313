import { describe, expect, it } from 'vitest';
import { plot, renderSvg } from '../../src/viz/index.js';
import { byClass, parseSvg } from './svg-tree.js';

const rows = [
  { city: 'Oslo', year: 2022, sales: 10, team: 'a' },
  { city: 'Oslo', year: 2023, sales: 14, team: 'b' },
  { city: 'Rome', year: 2022, sales: 7, team: 'a' },
  { city: 'Rome', year: 2023, sales: 9, team: 'b' },
  { city: 'Lima', year: 2023, sales: 3, team: 'a' },
];

const svgOf = async (chart: { toSVG(): Promise<string> }) => parseSvg(await chart.toSVG());

describe('static SVG', () => {
  it('draws one bar per category and series, taller for larger values, with axes, ticks and a legend', async () => {
    const svg = await svgOf(plot.bar(rows, { x: 'city', y: 'sales', color: 'team', title: 'Sales <by> city' }));
    const bars = byClass(svg, 'bar');
    expect(bars).toHaveLength(5);
    const height = (i: number) => Number(bars[i].attributes.height);
    // Traces: team a (Lima 3, Oslo 10, Rome 7), then team b (Oslo 14, Rome 9).
    expect(height(1)).toBeGreaterThan(height(2));
    expect(height(3)).toBeCloseTo((height(1) * 14) / 10, 0);
    expect(new Set(bars.map((b) => b.attributes.fill))).toEqual(new Set(['#636efa', '#EF553B']));
    expect(byClass(svg, 'xtick').length).toBe(3);
    expect(byClass(svg, 'ytick').length).toBeGreaterThanOrEqual(3);
    expect(byClass(svg, 'legend-entry')).toHaveLength(2);
    expect(byClass(svg, 'axis')).toHaveLength(2);
  });

  it('draws a point per row for scatter and a path for lines', async () => {
    expect(byClass(await svgOf(plot.scatter(rows, { x: 'year', y: 'sales' })), 'point')).toHaveLength(5);
    const line = await svgOf(plot.line(rows, { x: 'year', y: 'sales', color: 'city' }));
    expect(byClass(line, 'line')).toHaveLength(3);
    expect(byClass(line, 'point')).toHaveLength(0);
  });

  it('draws histogram bins, boxes, heatmap cells and pie slices', async () => {
    const values = Array.from({ length: 200 }, (_, i) => ({ v: i % 50, g: i % 2 ? 'odd' : 'even' }));
    const histogram = await plot.histogram(values, { x: 'v', bins: 5 }).figure();
    expect(byClass(parseSvg(renderSvg(histogram)), 'bar')).toHaveLength(histogram.data[0].x!.length);
    expect(byClass(await svgOf(plot.box(values, { x: 'g', y: 'v' })), 'box')).toHaveLength(2);
    expect(byClass(await svgOf(plot.heatmap(rows, { x: 'city', y: 'year' })), 'cell')).toHaveLength(5);
    expect(byClass(await svgOf(plot.pie(rows, { x: 'city', y: 'sales' })), 'slice')).toHaveLength(3);
  });

  it('draws facets as separate panels with captions', async () => {
    const svg = await svgOf(plot.bar(rows, { x: 'city', y: 'sales', facet: 'year' }));
    expect(byClass(svg, 'panel')).toHaveLength(2);
    expect(byClass(svg, 'caption').length).toBe(2);
    expect(byClass(svg, 'bar')).toHaveLength(5);
  });

  it('renders raw plotly specs, binning raw histogram traces and computing box statistics', () => {
    const svg = parseSvg(
      renderSvg({
        data: [
          { type: 'histogram', x: Array.from({ length: 100 }, (_, i) => i) },
          { type: 'scatter', mode: 'markers', x: [1, 2], y: [3, 4], xaxis: 'x2', yaxis: 'y2' },
        ],
        layout: { xaxis: { domain: [0, 0.45] }, xaxis2: { domain: [0.55, 1] }, yaxis2: { anchor: 'x2' } },
      }),
    );
    expect(byClass(svg, 'bar').length).toBeGreaterThanOrEqual(5);
    expect(byClass(svg, 'point')).toHaveLength(2);
    expect(byClass(parseSvg(renderSvg({ data: [{ type: 'box', y: [1, 2, 3, 4, 50] }] })), 'box')).toHaveLength(1);
  });

  it('escapes text so any title or category stays well-formed SVG', async () => {
    const svg = await (plot.bar([{ k: '<b>&"x"', v: 1 }], { x: 'k', y: 'v', title: 'a < b & c' })).toSVG();
    expect(() => parseSvg(svg)).not.toThrow();
    expect(svg).toContain('&lt;b&gt;&amp;&quot;x&quot;');
  });
});
