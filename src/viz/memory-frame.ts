import { DataKernelError } from '../errors.js';
import { plotValue, type Aggregate, type BoxStats, type ColumnKind, type Frame, type FrameColumn, type GroupKey } from './frame.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function kindOf(values: unknown[]): ColumnKind {
  let kind: ColumnKind | undefined;
  for (const raw of values) {
    if (raw === null || raw === undefined) continue;
    const value = plotValue(raw);
    const next: ColumnKind =
      typeof value === 'number' ? 'number' : raw instanceof Date || (typeof value === 'string' && ISO_DATE.test(value)) ? 'date' : 'category';
    if (kind && kind !== next) return 'category';
    kind = next;
  }
  return kind ?? 'category';
}

const numeric = (value: unknown): number | undefined => {
  const v = plotValue(value);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};

/** Linear interpolation between order statistics, as DuckDB's quantile_cont. */
export function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

function reduce(values: number[], agg: Aggregate): number | null {
  if (agg === 'count') return values.length;
  if (values.length === 0) return null;
  switch (agg) {
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'mean':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'median':
      return quantile([...values].sort((a, b) => a - b), 0.5);
    case 'min':
      return Math.min(...values);
    case 'max':
      return Math.max(...values);
  }
}

/** Data already in JS memory (records, column arrays, Arrow, danfo), held column-wise. */
export class MemoryFrame implements Frame {
  private readonly length: number;

  constructor(private readonly data: Map<string, unknown[]>) {
    this.length = Math.max(0, ...[...data.values()].map((v) => v.length));
  }

  private column(name: string): unknown[] {
    const values = this.data.get(name);
    if (!values) throw new DataKernelError(`No column '${name}'`, `Columns: ${[...this.data.keys()].join(', ')}`);
    return values;
  }

  async columns(): Promise<FrameColumn[]> {
    return [...this.data].map(([name, values]) => ({ name, kind: kindOf(values) }));
  }

  async count(): Promise<number> {
    return this.length;
  }

  async extent(column: string): Promise<{ min: number; max: number } | undefined> {
    let min = Infinity;
    let max = -Infinity;
    for (const raw of this.column(column)) {
      const v = numeric(raw);
      if (v === undefined) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return min <= max ? { min, max } : undefined;
  }

  async distinct(column: string, limit: number): Promise<unknown[]> {
    const values = new Set<unknown>();
    for (const value of this.column(column)) {
      values.add(plotValue(value));
      if (values.size >= limit) break;
    }
    return [...values];
  }

  async aggregate(keys: GroupKey[], agg: Aggregate, measure?: string): Promise<unknown[][]> {
    const keyColumns = keys.map((k) => this.column(k.column));
    const measured = measure === undefined ? undefined : this.column(measure);
    const groups = new Map<string, { keys: unknown[]; values: number[]; rows: number }>();
    rows: for (let i = 0; i < this.length; i++) {
      const keyValues: unknown[] = [];
      for (let k = 0; k < keys.length; k++) {
        const { step, origin = 0 } = keys[k];
        if (step === undefined) {
          keyValues.push(plotValue(keyColumns[k][i]));
          continue;
        }
        const v = numeric(keyColumns[k][i]);
        if (v === undefined) continue rows;
        keyValues.push(Math.floor((v - origin) / step));
      }
      const id = JSON.stringify(keyValues);
      let group = groups.get(id);
      if (!group) groups.set(id, (group = { keys: keyValues, values: [], rows: 0 }));
      if (measured === undefined) {
        group.rows++;
        continue;
      }
      const v = numeric(measured[i]);
      if (v !== undefined) group.values.push(v);
    }
    return [...groups.values()].map((g) => [...g.keys, measured === undefined ? g.rows : reduce(g.values, agg)]);
  }

  async sample(columns: string[], limit: number, orderBy?: string): Promise<unknown[][]> {
    const chosen = columns.map((c) => this.column(c));
    const stride = this.length > limit ? this.length / limit : 1;
    const rows: unknown[][] = [];
    for (let i = 0; i < Math.min(limit, this.length); i++) {
      const at = Math.floor(i * stride);
      rows.push(chosen.map((values) => plotValue(values[at])));
    }
    if (orderBy !== undefined) {
      const at = columns.indexOf(orderBy);
      rows.sort((a, b) => compare(a[at], b[at]));
    }
    return rows;
  }

  async boxStats(value: string, groups: string[]): Promise<BoxStats[]> {
    const rows = await this.sample([...groups, value], this.length);
    const byGroup = new Map<string, { keys: unknown[]; values: number[] }>();
    for (const row of rows) {
      const v = numeric(row[groups.length]);
      if (v === undefined) continue;
      const keys = row.slice(0, groups.length);
      const id = JSON.stringify(keys);
      if (!byGroup.has(id)) byGroup.set(id, { keys, values: [] });
      byGroup.get(id)!.values.push(v);
    }
    return [...byGroup.values()].map(({ keys, values }) => {
      const sorted = values.sort((a, b) => a - b);
      const q1 = quantile(sorted, 0.25);
      const q3 = quantile(sorted, 0.75);
      const iqr = q3 - q1;
      return {
        keys,
        q1,
        median: quantile(sorted, 0.5),
        q3,
        lowerfence: sorted.find((v) => v >= q1 - 1.5 * iqr)!,
        upperfence: sorted.findLast((v) => v <= q3 + 1.5 * iqr)!,
        mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
        count: sorted.length,
      };
    });
  }
}

/** Orders plot values: nulls last, numbers numerically, everything else as text. */
export function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}
