import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataKernelError } from '../../src/errors.js';
import { plot, plotsFor, type Trace } from '../../src/viz/index.js';

const penguins = JSON.parse(readFileSync('node_modules/vega-datasets/data/penguins.json', 'utf8')) as Record<string, unknown>[];
const sales = [
  { region: 'north', product: 'a', amount: 10, month: '2024-01-01' },
  { region: 'north', product: 'b', amount: 5, month: '2024-02-01' },
  { region: 'south', product: 'a', amount: 7, month: '2024-01-01' },
  { region: 'south', product: 'a', amount: 3, month: '2024-03-01' },
  { region: 'east', product: 'b', amount: 1, month: '2024-02-01' },
];

describe('figures from in-memory data', () => {
  it('bar aggregates y per x (sum by default, sorted categories) and counts rows without y', async () => {
    const summed = await plot.bar(sales, { x: 'region', y: 'amount' }).figure();
    expect(summed.data).toHaveLength(1);
    expect(summed.data[0]).toMatchObject({ type: 'bar', x: ['east', 'north', 'south'], y: [1, 15, 10] });
    expect(summed.layout?.yaxis).toMatchObject({ title: { text: 'sum of amount' } });
    const counted = await plot.bar(sales, { x: 'region' }).figure();
    expect(counted.data[0].y).toEqual([1, 2, 2]);
    const mean = await plot.bar(sales, { x: 'region', y: 'amount', agg: 'mean' }).figure();
    expect(mean.data[0].y).toEqual([1, 7.5, 5]);
  });

  it('color splits into one coloured trace per value, each named in the legend once', async () => {
    const figure = await plot.bar(sales, { x: 'region', y: 'amount', color: 'product' }).figure();
    expect(figure.data.map((t) => t.name)).toEqual(['a', 'b']);
    expect(figure.data.map((t) => t.marker?.color)).toEqual(['#636efa', '#EF553B']);
    expect(figure.layout?.barmode).toBe('group');
  });

  it('accepts column maps, apache-arrow Tables and danfo DataFrames alike', async () => {
    const { tableFromArrays } = await import('apache-arrow');
    const { DataFrame } = await import('danfojs-node');
    const columns = { k: ['x', 'y', 'x'], v: [1, 2, 3] };
    const expected = { x: ['x', 'y'], y: [4, 2] };
    expect((await plot.bar(columns, { x: 'k', y: 'v' }).figure()).data[0]).toMatchObject(expected);
    expect((await plot.bar(tableFromArrays({ k: ['x', 'y', 'x'], v: Float64Array.from([1, 2, 3]) }), { x: 'k', y: 'v' }).figure()).data[0]).toMatchObject(expected);
    expect((await plot.bar(new DataFrame(columns), { x: 'k', y: 'v' }).figure()).data[0]).toMatchObject(expected);
  });

  it('histogram bins with nice widths, every value in exactly one bin, the maximum in the last', async () => {
    const values = Array.from({ length: 1000 }, (_, i) => ({ v: i / 10 }));
    const figure = await plot.histogram(values, { x: 'v', bins: 10 }).figure();
    const [trace] = figure.data;
    expect(trace.width).toBe(10);
    expect(trace.x).toEqual([5, 15, 25, 35, 45, 55, 65, 75, 85, 95]);
    expect((trace.y as number[]).reduce((a, b) => a + b, 0)).toBe(1000);
    expect(trace.y).toEqual([100, 100, 100, 100, 100, 100, 100, 100, 100, 100]);
  });

  it('facets put each value on its own axes with a caption', async () => {
    const figure = await plot.scatter(penguins, { x: 'Flipper Length (mm)', y: 'Body Mass (g)', color: 'Species', facet: 'Island' }).figure();
    const axes = new Set(figure.data.map((t) => `${t.xaxis ?? 'x'}/${t.yaxis ?? 'y'}`));
    expect(axes).toEqual(new Set(['x/y', 'x2/y2', 'x3/y3']));
    expect(figure.layout?.annotations?.map((a) => a.text)).toEqual(['Island=Biscoe', 'Island=Dream', 'Island=Torgersen']);
    expect(figure.data.filter((t) => t.showlegend).map((t) => t.name).sort()).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    const points = figure.data.reduce((n, t) => n + (t.x?.length ?? 0), 0);
    expect(points).toBe(penguins.length);
  });

  it('line sorts by x; scatter samples above maxPoints and says so in the title', async () => {
    const line = await plot.line(sales, { x: 'month', y: 'amount', color: 'region' }).figure();
    const north = line.data.find((t) => t.name === 'north') as Trace;
    expect(north).toMatchObject({ mode: 'lines', x: ['2024-01-01', '2024-02-01'], y: [10, 5] });
    const many = Array.from({ length: 5000 }, (_, i) => ({ a: i, b: i % 7 }));
    const sampled = await plot.scatter(many, { x: 'a', y: 'b', maxPoints: 500 }).figure();
    expect(sampled.data[0].x).toHaveLength(500);
    expect(JSON.stringify(sampled.layout?.title)).toContain('500 of 5,000 rows');
  });

  it('box carries quartiles and Tukey fences per group', async () => {
    const rows = [1, 2, 3, 4, 5, 6, 7, 8, 100].map((v) => ({ g: 'a', v }));
    const [trace] = (await plot.box(rows, { x: 'g', y: 'v' }).figure()).data;
    expect(trace).toMatchObject({ type: 'box', x: ['a'], q1: [3], median: [5], q3: [7], lowerfence: [1], upperfence: [8] });
  });

  it('heatmap builds a y-by-x matrix of counts; pie sums values per label', async () => {
    const [heat] = (await plot.heatmap(sales, { x: 'region', y: 'product' }).figure()).data;
    expect(heat).toMatchObject({ type: 'heatmap', x: ['east', 'north', 'south'], y: ['a', 'b'], z: [[null, 1, 2], [1, 1, null]] });
    const [pie] = (await plot.pie(sales, { x: 'region', y: 'amount' }).figure()).data;
    expect(pie).toMatchObject({ type: 'pie', labels: ['north', 'south', 'east'], values: [15, 10, 1] });
  });

  it('plotsFor binds the chart functions to one data source', async () => {
    const figure = await plotsFor(sales).bar({ x: 'product' }).figure();
    expect(figure.data[0]).toMatchObject({ x: ['a', 'b'], y: [3, 2] });
  });

  it('an unknown column, kind or aggregate is an error listing the valid ones', async () => {
    const error = await plot.bar(sales, { x: 'regoin' }).figure().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataKernelError);
    expect((error as DataKernelError).message).toContain("'regoin'");
    expect((error as DataKernelError).hint).toBe('Valid columns: region, product, amount, month');
    await expect(plot.bar(sales, {}).figure()).rejects.toThrow('A bar chart needs x');
    const bad = await plot.box(sales, { x: 'region', y: 'product' }).figure().catch((e: unknown) => e);
    expect((bad as DataKernelError).hint).toBe('Numeric columns: amount');
    const agg = await plot.bar(sales, { x: 'region', y: 'amount', agg: 'avg' as never }).figure().catch((e: unknown) => e);
    expect((agg as DataKernelError).hint).toBe('Valid aggregates: count, sum, mean, median, min, max');
  });

  it('plot(figure) keeps a raw plotly spec, with string titles in the {text} form plotly.js 3+ reads', async () => {
    const spec = { data: [{ type: 'bar', x: [1, 2], y: [3, 4] }], layout: { title: 'raw', xaxis2: { title: 'x', domain: [0, 1] as [number, number] }, barmode: 'group' as const } };
    expect(await plot(spec).figure()).toEqual({ data: spec.data, layout: { title: { text: 'raw' }, xaxis2: { title: { text: 'x' }, domain: [0, 1] }, barmode: 'group' } });
    expect(() => plot({} as never)).toThrow(DataKernelError);
  });
});
