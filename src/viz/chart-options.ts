import { DataKernelError } from '../errors.js';
import type { Aggregate } from './frame.js';

/** The chart kinds plot.* and %plot know. */
export const CHART_KINDS = ['line', 'scatter', 'bar', 'histogram', 'box', 'heatmap', 'pie'] as const;
/** One of CHART_KINDS. */
export type ChartKind = (typeof CHART_KINDS)[number];

/** `kind` as a ChartKind; an unknown one is an error listing the valid kinds. */
export function chartKind(kind: string): ChartKind {
  if (!(CHART_KINDS as readonly string[]).includes(kind)) throw new DataKernelError(`Unknown chart kind '${kind}'`, `Valid kinds: ${CHART_KINDS.join(', ')}`);
  return kind as ChartKind;
}

/** The aggregates bar, pie, heatmap and line accept. */
export const AGGREGATES: readonly Aggregate[] = ['count', 'sum', 'mean', 'median', 'min', 'max'];

/** What plot.* and %plot take: the columns to chart and how. */
export interface PlotOptions {
  /** Column on the x axis (the slice names for pie; the group for box). */
  x?: string;
  /** Column on the y axis (the values for bar and pie; counts rows when absent). */
  y?: string;
  /** Column whose values split the data into coloured series. */
  color?: string;
  /** Column whose values split the data into small panels, one per value. */
  facet?: string;
  /** Heatmap cell value column. @default counts rows */
  z?: string;
  /** How bar/pie/heatmap (and line, when set) combine the y (or z) values of one group. @default "sum" ("mean" for heatmap z) */
  agg?: Aggregate;
  /** Target number of histogram bins (rounded to a nice width). @default about sqrt(rows), 5 to 50 */
  bins?: number;
  /** Most points a line or scatter chart draws; larger data is sampled uniformly, with a note. @default 10000 */
  maxPoints?: number;
  title?: string;
  /** Pixels; the notebook view stretches to the cell width when unset. */
  width?: number;
  /** Pixels. @default 420 */
  height?: number;
}
