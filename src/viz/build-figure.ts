import { DataKernelError } from '../errors.js';
import { AGGREGATES, chartKind, type ChartKind, type PlotOptions } from './chart-options.js';
import { facetLayout, onPanel, panelDomain, panelTitle } from './facets.js';
import type { Axis, Figure, Layout, Trace } from './figure.js';
import type { Frame, FrameColumn, GroupKey } from './frame.js';
import { compare } from './memory-frame.js';
import { HEATMAP_SCALE, niceStep, PALETTE } from './scale.js';
import { categoryAxis, column, distinct, facetValues, groups, numericColumn, series, splits, styled, valueTitle, type Context } from './series.js';

const DEFAULT_MAX_POINTS = 10_000;
const MAX_CATEGORIES = 100;
// Bars and slices beyond the largest MAX_CATEGORIES are cut with a note; past this many, grouping itself is refused.
const MAX_GROUPS = 10_000;
const MAX_SLICES = 20;
const HEATMAP_BINS = 20;

type Builder = (ctx: Context, facets: unknown[]) => Promise<{ traces: Trace[]; xaxis: Axis; yaxis: Axis; layout?: Layout }>;

const points = (lines: boolean): Builder => async (ctx, facets) => {
  const { options } = ctx;
  const kind: ChartKind = lines ? 'line' : 'scatter';
  const x = column(ctx, options.x, 'x', kind).name;
  const y = numericColumn(ctx, options.y, 'y', kind).name;
  let rows: unknown[][];
  if (lines && options.agg) {
    rows = await ctx.frame.aggregate([...splits(ctx).map((c): GroupKey => ({ column: c })), { column: x }], options.agg, y);
    rows.sort((a, b) => compare(a.at(-2), b.at(-2)));
  } else {
    const limit = options.maxPoints ?? DEFAULT_MAX_POINTS;
    const total = await ctx.frame.count();
    rows = await ctx.frame.sample([...splits(ctx), x, y], limit, lines ? x : undefined);
    if (total > limit) ctx.notes.push(`a uniform sample of ${limit.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows`);
  }
  const legend = new Set<string | undefined>();
  const traces = series(ctx, rows, facets).map((s) =>
    styled({ type: 'scatter', mode: lines ? 'lines' : 'markers', x: s.rows.map((r) => r[0]), y: s.rows.map((r) => r[1]) }, s, ctx, legend),
  );
  return { traces, xaxis: { title: x }, yaxis: { title: lines && options.agg ? valueTitle(options.agg, y) : y } };
};

/** Keeps the `limit` largest categories of aggregated rows [..., category, value], with a note. */
function topCategories(ctx: Context, rows: unknown[][], limit: number): unknown[][] {
  const totals = new Map<unknown, number>();
  for (const row of rows) totals.set(row.at(-2), (totals.get(row.at(-2)) ?? 0) + Math.abs(Number(row.at(-1)) || 0));
  if (totals.size <= limit) return rows;
  const kept = new Set([...totals].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([k]) => k));
  ctx.notes.push(`the ${limit} largest of ${totals.size.toLocaleString('en-US')} categories`);
  return rows.filter((r) => kept.has(r.at(-2)));
}

const bar: Builder = async (ctx, facets) => {
  const { options } = ctx;
  const x = column(ctx, options.x, 'x', 'bar').name;
  const y = options.y === undefined ? undefined : numericColumn(ctx, options.y, 'y', 'bar').name;
  const agg = options.agg ?? (y === undefined ? 'count' : 'sum');
  await groups(ctx, x, 'x', MAX_GROUPS, 'a bar chart draws one bar per value');
  const rows = topCategories(ctx, await ctx.frame.aggregate([...splits(ctx).map((c) => ({ column: c })), { column: x }], agg, y), MAX_CATEGORIES);
  rows.sort((a, b) => compare(a.at(-2), b.at(-2)));
  const legend = new Set<string | undefined>();
  const traces = series(ctx, rows, facets).map((s) => styled({ type: 'bar', x: s.rows.map((r) => r[0]), y: s.rows.map((r) => r[1]) }, s, ctx, legend));
  const categorical = ctx.columns.find((c) => c.name === x)!.kind === 'category';
  return { traces, xaxis: categorical ? categoryAxis(x, rows.map((r) => r.at(-2))) : { title: x }, yaxis: { title: valueTitle(agg, y) }, layout: { barmode: 'group' } };
};

const histogram: Builder = async (ctx, facets) => {
  const { options } = ctx;
  const x = column(ctx, options.x, 'x', 'histogram');
  if (x.kind !== 'number') return bar({ ...ctx, options: { ...options, y: undefined, agg: 'count' } }, facets);
  const extent = await ctx.frame.extent(x.name);
  if (!extent) throw new DataKernelError(`Column '${x.name}' has no numeric values to bin`, 'Filter out the empty data or pick another column.');
  const target = options.bins ?? Math.min(50, Math.max(5, Math.ceil(Math.sqrt(await ctx.frame.count()))));
  const step = extent.max > extent.min ? niceStep((extent.max - extent.min) / target) : 1;
  const origin = extent.max > extent.min ? Math.floor(extent.min / step) * step : extent.min - 0.5;
  const last = Math.max(0, Math.ceil((extent.max - origin) / step) - 1);
  const rows = await ctx.frame.aggregate([...splits(ctx).map((c) => ({ column: c })), { column: x.name, step, origin }], 'count');
  const legend = new Set<string | undefined>();
  const traces = series(ctx, rows, facets).map((s) => {
    // The maximum sits exactly on the last edge; it belongs to the last bin, as in numpy and plotly.
    const counts = new Map<number, number>();
    for (const [bin, n] of s.rows) counts.set(Math.min(Number(bin), last), (counts.get(Math.min(Number(bin), last)) ?? 0) + Number(n));
    const bins = [...counts].sort((a, b) => a[0] - b[0]);
    const center = (bin: number) => Number((origin + (bin + 0.5) * step).toPrecision(12));
    return styled({ type: 'bar', x: bins.map(([b]) => center(b)), y: bins.map(([, n]) => n), width: step, marker: { line: { width: 0 } } as Trace['marker'] }, s, ctx, legend);
  });
  return { traces, xaxis: { title: x.name }, yaxis: { title: 'count' }, layout: { barmode: 'stack', bargap: 0.02 } };
};

const box: Builder = async (ctx, facets) => {
  const { options } = ctx;
  const value = numericColumn(ctx, options.y ?? options.x, options.y === undefined ? 'x' : 'y', 'box').name;
  const group = options.y === undefined ? undefined : options.x === undefined ? undefined : column(ctx, options.x, 'x', 'box').name;
  if (group !== undefined) await groups(ctx, group, 'x', MAX_CATEGORIES, 'a box chart draws one box per value');
  const stats = await ctx.frame.boxStats(value, [...splits(ctx), ...(group === undefined ? [] : [group])]);
  const rows = stats.map((s) => [...s.keys, s]).sort((a, b) => compare(a[a.length - 2], b[b.length - 2]));
  const legend = new Set<string | undefined>();
  const traces = series(ctx, rows, facets).map((s) => {
    const st = s.rows.map((r) => r.at(-1) as (typeof stats)[number]);
    return styled(
      {
        type: 'box',
        x: group === undefined ? st.map(() => s.name ?? value) : s.rows.map((r) => r[0]),
        q1: st.map((b) => b.q1),
        median: st.map((b) => b.median),
        q3: st.map((b) => b.q3),
        lowerfence: st.map((b) => b.lowerfence),
        upperfence: st.map((b) => b.upperfence),
        mean: st.map((b) => b.mean),
      },
      s,
      ctx,
      legend,
    );
  });
  return { traces, xaxis: categoryAxis(group ?? '', traces.flatMap((t) => t.x ?? [])), yaxis: { title: value }, layout: options.color === undefined ? {} : { boxmode: 'group' } };
};

const heatmap: Builder = async (ctx, facets) => {
  const { options } = ctx;
  const keyOf = async (name: string | undefined, role: string): Promise<{ key: GroupKey; label: (v: unknown) => unknown; kind: FrameColumn['kind'] }> => {
    const c = column(ctx, name, role, 'heatmap');
    if (c.kind !== 'number') await groups(ctx, c.name, role, MAX_CATEGORIES, 'a heatmap draws one row or column per value');
    const extent = c.kind === 'number' ? await ctx.frame.extent(c.name) : undefined;
    if (!extent || extent.max === extent.min) return { key: { column: c.name }, label: (v) => v, kind: c.kind };
    const step = niceStep((extent.max - extent.min) / HEATMAP_BINS);
    const origin = Math.floor(extent.min / step) * step;
    const last = Math.ceil((extent.max - origin) / step) - 1;
    return { key: { column: c.name, step, origin }, label: (v) => Number((origin + (Math.min(Number(v), last) + 0.5) * step).toPrecision(12)), kind: 'number' };
  };
  const x = await keyOf(options.x, 'x');
  const y = await keyOf(options.y, 'y');
  const z = options.z === undefined ? undefined : numericColumn(ctx, options.z, 'z', 'heatmap').name;
  const agg = options.agg ?? (z === undefined ? 'count' : 'mean');
  const facetKeys = options.facet === undefined ? [] : [{ column: options.facet }];
  const rows = await ctx.frame.aggregate([...facetKeys, x.key, y.key], agg, z);
  const noColor = { ...ctx, options: { ...options, color: undefined } };
  const traces = series(noColor, rows, facets).map((s) => {
    const cells = s.rows.map(([xv, yv, value]) => [x.label(xv), y.label(yv), value] as const);
    const xs = distinct(cells.map((c) => c[0]));
    const ys = distinct(cells.map((c) => c[1]));
    const matrix = ys.map(() => xs.map((): unknown => null));
    for (const [xv, yv, value] of cells) {
      const row = matrix[ys.indexOf(yv)];
      const at = xs.indexOf(xv);
      // Binned labels can repeat when the maximum was folded into the last bin.
      row[at] = agg === 'count' || agg === 'sum' ? Number(row[at] ?? 0) + Number(value) : value;
    }
    return onPanel({ type: 'heatmap', x: xs, y: ys, z: matrix, colorscale: HEATMAP_SCALE, showscale: s.facet === 0, colorbar: { title: { text: valueTitle(agg, z) } } }, s.facet);
  });
  const axis = (name: string | undefined, kind: FrameColumn['kind']): Axis => ({ title: name, ...(kind === 'category' ? { type: 'category' } : {}) });
  return { traces, xaxis: axis(options.x, x.kind), yaxis: axis(options.y, y.kind) };
};

async function pie(ctx: Context, facets: unknown[]): Promise<{ traces: Trace[]; layout: Layout }> {
  const { options } = ctx;
  const names = column(ctx, options.x, 'x', 'pie').name;
  const values = options.y === undefined ? undefined : numericColumn(ctx, options.y, 'y', 'pie').name;
  const agg = options.agg ?? (values === undefined ? 'count' : 'sum');
  await groups(ctx, names, 'x', MAX_GROUPS, 'a pie chart draws one slice per value');
  const facetKeys = options.facet === undefined ? [] : [{ column: options.facet }];
  const rows = await ctx.frame.aggregate([...facetKeys, { column: names }], agg, values);
  const noColor = { ...ctx, options: { ...options, color: undefined } };
  const slices = series(noColor, rows, facets);
  const order = distinct(rows.map((r) => r.at(-2)));
  const annotations: Layout['annotations'] = [];
  const traces = slices.map((s) => {
    const sorted = s.rows.map(([label, v]) => [label, Number(v) || 0] as [unknown, number]).sort((a, b) => b[1] - a[1]);
    const shown = sorted.length > MAX_SLICES ? [...sorted.slice(0, MAX_SLICES - 1), ['(other)', sorted.slice(MAX_SLICES - 1).reduce((t, [, v]) => t + v, 0)] as [unknown, number]] : sorted;
    if (sorted.length > MAX_SLICES && s.facet === 0) ctx.notes.push(`the ${MAX_SLICES - 1} largest of ${sorted.length} slices, the rest as (other)`);
    const domain = facets.length > 1 ? panelDomain(s.facet, facets.length) : { x: [0, 1] as [number, number], y: [0, 1] as [number, number] };
    if (facets.length > 1) annotations.push(panelTitle(options.facet!, facets[s.facet], domain.x, domain.y));
    return {
      type: 'pie',
      labels: shown.map(([label]) => label),
      values: shown.map(([, v]) => v),
      marker: { colors: shown.map(([label]) => (label === '(other)' ? '#bbbbbb' : PALETTE[order.indexOf(label) % PALETTE.length])) },
      sort: false,
      direction: 'clockwise',
      domain,
      hole: 0,
    };
  });
  return { traces, layout: annotations.length ? { annotations } : {} };
}

const BUILDERS: Record<Exclude<ChartKind, 'pie'>, Builder> = {
  line: points(true),
  scatter: points(false),
  bar,
  histogram,
  box,
  heatmap,
};

/** Title text with the notes (sampling, cut categories) as a smaller second line, plotly-express style. */
function title(text: string | undefined, notes: string[]): Layout['title'] {
  const note = notes.length ? `<sup>Showing ${notes.join('; ')}</sup>` : '';
  if (!text && !note) return undefined;
  return { text: [text ?? '', note].filter(Boolean).join('<br>') };
}

/** Builds the plotly figure of a chart kind from a Frame, running every aggregation in the frame. */
export async function buildFigure(kind: ChartKind, frame: Frame, options: PlotOptions): Promise<Figure> {
  chartKind(kind);
  if (options.agg !== undefined && !AGGREGATES.includes(options.agg)) throw new DataKernelError(`Unknown aggregate '${options.agg}'`, `Valid aggregates: ${AGGREGATES.join(', ')}`);
  const ctx: Context = { frame, columns: await frame.columns(), options, notes: [] };
  if (options.facet !== undefined) column(ctx, options.facet, 'facet');
  if (options.color !== undefined) column(ctx, options.color, 'color');
  const facets = await facetValues(ctx);
  const base: Layout = { height: options.height ?? 420, ...(options.width ? { width: options.width } : {}), margin: { t: 60, r: 20, b: 50, l: 60 } };
  if (kind === 'pie') {
    const { traces, layout } = await pie(ctx, facets);
    return { data: traces, layout: { ...base, ...layout, title: title(options.title, ctx.notes) } };
  }
  const { traces, xaxis, yaxis, layout } = await BUILDERS[kind](ctx, facets);
  const legend = options.color === undefined ? {} : { showlegend: true, legend: { title: { text: options.color } } };
  return {
    data: traces,
    layout: { ...base, ...layout, ...facetLayout(facets, options.facet, xaxis, yaxis), ...legend, title: title(options.title, ctx.notes) },
  };
}
