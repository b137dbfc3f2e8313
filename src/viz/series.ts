import { DataKernelError } from '../errors.js';
import type { ChartKind, PlotOptions } from './chart-options.js';
import { MAX_FACETS, onPanel } from './facets.js';
import type { Axis, Trace } from './figure.js';
import type { Aggregate, Frame, FrameColumn } from './frame.js';
import { compare } from './memory-frame.js';
import { PALETTE } from './scale.js';

const MAX_SERIES = 30;

/** What every chart builder works from: the frame, its columns, the options, notes for the title. */
export interface Context {
  frame: Frame;
  columns: FrameColumn[];
  options: PlotOptions;
  notes: string[];
}

/** The named column; a missing or unknown one is an error listing the valid columns. */
export function column(ctx: Context, name: string | undefined, role: string, kind?: ChartKind): FrameColumn {
  if (name === undefined) throw new DataKernelError(`${kind ? `A ${kind} chart` : 'This chart'} needs ${role}`, `Name it with --${role} COL (columns: ${ctx.columns.map((c) => c.name).join(', ')})`);
  const found = ctx.columns.find((c) => c.name === name);
  if (!found) throw new DataKernelError(`Unknown column '${name}' for --${role}`, `Valid columns: ${ctx.columns.map((c) => c.name).join(', ')}`);
  return found;
}

/** The named column, which must be numeric; otherwise an error listing the numeric ones. */
export function numericColumn(ctx: Context, name: string | undefined, role: string, kind: ChartKind): FrameColumn {
  const found = column(ctx, name, role, kind);
  if (found.kind !== 'number') {
    const numeric = ctx.columns.filter((c) => c.kind === 'number').map((c) => c.name);
    throw new DataKernelError(`Column '${found.name}' is not numeric; a ${kind} chart needs numbers for --${role}`, numeric.length ? `Numeric columns: ${numeric.join(', ')}` : 'Cast the column to a number first.');
  }
  return found;
}

/** Facet and colour split the rows: their values come first in every aggregate and sample row. */
export function splits(ctx: Context): string[] {
  return [ctx.options.facet, ctx.options.color].filter((c): c is string => c !== undefined);
}

/** The rows of one facet panel and colour. */
export interface Series {
  facet: number;
  color: number;
  name?: string;
  rows: unknown[][];
}

/** Groups rows (whose first values are [facet?, color?]) into series, ordered by facet then colour value. */
export function series(ctx: Context, rows: unknown[][], facetValues: unknown[]): Series[] {
  const { facet, color } = ctx.options;
  const colorAt = facet === undefined ? 0 : 1;
  const width = splits(ctx).length;
  const colorValues = color === undefined ? [undefined] : distinct(rows.map((r) => r[colorAt]));
  const out = new Map<string, Series>();
  for (const row of rows) {
    const f = facet === undefined ? 0 : facetValues.findIndex((v) => v === row[0]);
    const c = color === undefined ? 0 : colorValues.indexOf(row[colorAt]);
    const id = `${f}/${c}`;
    if (!out.has(id)) out.set(id, { facet: f, color: c, name: color === undefined ? undefined : String(row[colorAt]), rows: [] });
    out.get(id)!.rows.push(row.slice(width));
  }
  return [...out.values()].sort((a, b) => a.facet - b.facet || a.color - b.color);
}

/** Distinct values, sorted as plot values. */
export const distinct = (values: unknown[]) => [...new Set(values)].sort(compare);

/**
 * The sorted distinct values of a grouping column, checked in the frame before any grouping, so a column with
 * millions of values fails fast instead of sending millions of groups.
 */
export async function groups(ctx: Context, column: string, role: string, limit: number, what: string): Promise<unknown[]> {
  const values = await ctx.frame.distinct(column, limit + 1);
  if (values.length > limit) throw new DataKernelError(`--${role} ${column} has more than ${limit.toLocaleString('en-US')} distinct values; ${what}`, `Use a column with fewer values${role === 'x' ? ' (or a histogram of it)' : ''}, or filter the data first.`);
  return distinct(values);
}

/** Facet values (one panel each) after checking the colour column's cardinality too. */
export async function facetValues(ctx: Context): Promise<unknown[]> {
  const { facet, color } = ctx.options;
  if (color !== undefined) await groups(ctx, color, 'color', MAX_SERIES, `charts show at most ${MAX_SERIES} series`);
  return facet === undefined ? [undefined] : groups(ctx, facet, 'facet', MAX_FACETS, `at most ${MAX_FACETS} panels fit`);
}

/** Colours a series' trace and puts it on its facet panel; only a colour's first trace gets a legend entry. */
export function styled(trace: Trace, s: Series, ctx: Context, legend: Set<string | undefined>): Trace {
  const color = PALETTE[s.color % PALETTE.length];
  if (ctx.options.color === undefined) return onPanel({ ...trace, showlegend: false, marker: { ...trace.marker, color }, line: trace.mode?.includes('lines') ? { color } : undefined }, s.facet);
  const first = !legend.has(s.name);
  legend.add(s.name);
  return onPanel({ ...trace, name: s.name, legendgroup: s.name, legendrank: s.color, showlegend: first, marker: { ...trace.marker, color }, line: trace.mode?.includes('lines') ? { color } : undefined }, s.facet);
}

/** A category axis in sorted order (plotly would otherwise order categories by first appearance across traces). */
export const categoryAxis = (title: string | undefined, values: unknown[]): Axis => ({ title, type: 'category', categoryorder: 'array', categoryarray: distinct(values) });

/** The value axis title: 'count' or 'mean of y'. */
export const valueTitle = (agg: Aggregate, measure: string | undefined) => (measure === undefined || agg === 'count' ? 'count' : `${agg} of ${measure}`);
