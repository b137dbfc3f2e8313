/** How a column is plotted: numbers on a linear axis, dates on a time axis, anything else as categories. */
export type ColumnKind = 'number' | 'date' | 'category';

/** A column's name and how it is plotted. */
export interface FrameColumn {
  name: string;
  kind: ColumnKind;
}

/** How the values of one group are combined into one number. */
export type Aggregate = 'count' | 'sum' | 'mean' | 'median' | 'min' | 'max';

/** A grouping key: a column's values, or with `step` the index of the bin `floor((value - origin) / step)`. */
export interface GroupKey {
  column: string;
  step?: number;
  origin?: number;
}

/** Quartiles and whiskers (Tukey's 1.5 IQR fences) of one group. */
export interface BoxStats {
  keys: unknown[];
  q1: number;
  median: number;
  q3: number;
  lowerfence: number;
  upperfence: number;
  mean: number;
  count: number;
}

/**
 * The few questions a chart asks of its data. In-memory data answers them in JS; a DuckDB relation answers
 * them in SQL, so only aggregates and samples ever leave the database.
 */
export interface Frame {
  columns(): Promise<FrameColumn[]>;
  count(): Promise<number>;
  /** Minimum and maximum of a numeric column (non-null values), undefined when it has none. */
  extent(column: string): Promise<{ min: number; max: number } | undefined>;
  /** Up to `limit` distinct values of a column (nulls included), so cardinality is checked before grouping. */
  distinct(column: string, limit: number): Promise<unknown[]>;
  /** One row per distinct key combination: the keys, then the aggregate of `measure` (rows when absent). */
  aggregate(keys: GroupKey[], agg: Aggregate, measure?: string): Promise<unknown[][]>;
  /** Up to `limit` rows of `columns` (a uniform sample when there are more), ordered by `orderBy` when given. */
  sample(columns: string[], limit: number, orderBy?: string): Promise<unknown[][]>;
  boxStats(value: string, groups: string[]): Promise<BoxStats[]>;
}

/** A value as plotly expects it: numbers, strings, ISO dates; bigint and Date converted, null kept. */
export function plotValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  // Plotly's date format; midnight is left out so DATE columns read as plain days.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().replace('T', ' ').replace(/( 00:00:00)?(\.000)?Z$/, '');
  return String(value);
}
