import { niceStep, niceTicks, tickLabel } from './scale.js';

/** Linear numbers, dates, or categories in bands. */
export type AxisKind = 'linear' | 'date' | 'category';

/** A tick mark and its label. */
export interface Tick {
  /** Position in [0, 1] along the axis. */
  at: number;
  label: string;
}

/** Maps axis values to [0, 1]: numbers and dates linearly, categories to the centres of equal bands. */
export interface Scale {
  kind: AxisKind;
  /** Position of a value in [0, 1] (NaN when it is not on the axis). */
  map(value: unknown): number;
  /** Length in [0, 1] of a numeric span starting at `value` (bar widths on numeric axes). */
  span(value: unknown, length: number): number;
  /** Width of one category band (0 on numeric axes). */
  band: number;
  ticks: Tick[];
}

const DATE_TEXT = /^\d{4}-\d{2}-\d{2}/;

/** Milliseconds since the epoch of a plotly date value ('2024-01-31', '2024-01-31 12:00:00'), read as UTC. */
export function dateMs(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value !== 'string' || !DATE_TEXT.test(value)) return NaN;
  const iso = value.replace(' ', 'T');
  return Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(iso.slice(10)) || iso.length === 10 ? iso : `${iso}Z`);
}

/** The axis kind plotly would infer: all numbers linear, all date strings a date axis, else categories. */
export function axisKind(values: unknown[], declared?: unknown): AxisKind {
  if (declared === 'category' || declared === 'date' || declared === 'linear') return declared;
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length === 0) return 'linear';
  if (present.every((v) => typeof v === 'number')) return 'linear';
  if (present.every((v) => v instanceof Date || (typeof v === 'string' && DATE_TEXT.test(v)))) return 'date';
  return 'category';
}

/** A value as a number on a linear or date axis. */
export const axisNumber = (value: unknown, kind: AxisKind): number => (kind === 'date' ? dateMs(value) : typeof value === 'number' ? value : NaN);

const DAY = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Calendar-aligned date ticks: years, months, days or hours, whichever gives about `count`. */
function dateTicks(min: number, max: number, count: number): Array<{ value: number; label: string }> {
  const span = max - min;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (span > 2 * 365 * DAY) {
    const step = niceStep(span / 365.25 / DAY / count);
    const years: Array<{ value: number; label: string }> = [];
    for (let y = Math.ceil(new Date(min).getUTCFullYear() / step) * step; Date.UTC(y, 0) <= max; y += step) years.push({ value: Date.UTC(y, 0), label: String(y) });
    return years.filter((t) => t.value >= min);
  }
  if (span > 60 * DAY) {
    const step = [1, 2, 3, 6].find((m) => span / (m * 30.44 * DAY) <= count) ?? 12;
    const start = new Date(min);
    const months: Array<{ value: number; label: string }> = [];
    for (let m = start.getUTCFullYear() * 12 + Math.ceil(start.getUTCMonth() / step) * step; ; m += step) {
      const value = Date.UTC(Math.floor(m / 12), m % 12);
      if (value > max) break;
      if (value >= min) months.push({ value, label: `${MONTHS[m % 12]} ${Math.floor(m / 12)}` });
    }
    return months;
  }
  const unit = span > 2 * DAY ? DAY : span > 2 * 3_600_000 ? 3_600_000 : 60_000;
  const step = niceStep(span / unit / count) * unit;
  const ticks: Array<{ value: number; label: string }> = [];
  for (let t = Math.ceil(min / step) * step; t <= max; t += step) {
    const d = new Date(t);
    const label = unit === DAY ? `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}` : `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
    ticks.push({ value: t, label });
  }
  return ticks;
}

/** How a numeric or date scale extends beyond the values. */
export interface ScaleOptions {
  /** Numbers the axis must include (0 under bars, bar edges), besides the values. */
  include?: number[];
  /** Leave 4% room beyond the data at ends not fixed by `include`. @default true */
  pad?: boolean;
  /** Target number of ticks. @default 6 */
  ticks?: number;
  /** Category order (plotly's categoryarray); values not in it follow in order of appearance. */
  order?: unknown[];
}

/** The scale of one axis over `values` (all the traces' values on it). */
export function makeScale(kind: AxisKind, values: unknown[], options: ScaleOptions = {}): Scale {
  if (kind === 'category') {
    const categories = [...new Set([...(options.order ?? []), ...values].filter((v) => v !== undefined).map((v) => String(v)))];
    const band = 1 / Math.max(1, categories.length);
    const index = new Map(categories.map((c, i) => [c, i]));
    const every = Math.max(1, Math.ceil(categories.length / 30));
    return {
      kind,
      band,
      map: (v) => ((index.get(String(v)) ?? NaN) + 0.5) * band,
      span: () => band,
      ticks: categories.filter((_, i) => i % every === 0).map((c) => ({ at: (index.get(c)! + 0.5) * band, label: c })),
    };
  }
  const numbers = [...values.map((v) => axisNumber(v, kind)), ...(options.include ?? [])].filter(Number.isFinite);
  let min = numbers.length ? Math.min(...numbers) : 0;
  let max = numbers.length ? Math.max(...numbers) : 1;
  if (min === max && min === 0 && options.include?.includes(0)) {
    max = 1;
  } else if (min === max) {
    min -= kind === 'date' ? DAY : Math.abs(min) * 0.1 || 1;
    max += kind === 'date' ? DAY : Math.abs(max) * 0.1 || 1;
  } else if (options.pad !== false) {
    const room = (max - min) * 0.04;
    const fixed = new Set(options.include ?? []);
    if (!fixed.has(min)) min -= room;
    if (!fixed.has(max)) max += room;
  }
  const at = (n: number) => (n - min) / (max - min);
  const count = options.ticks ?? 6;
  const ticks = kind === 'date' ? dateTicks(min, max, count).map((t) => ({ at: at(t.value), label: t.label })) : niceTicks(min, max, count).map((t) => ({ at: at(t), label: tickLabel(t) }));
  return {
    kind,
    band: 0,
    map: (v) => at(axisNumber(v, kind)),
    span: (_, length) => length / (max - min),
    ticks,
  };
}
