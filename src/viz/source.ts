import { DataKernelError } from '../errors.js';
import type { Frame } from './frame.js';
import { MemoryFrame } from './memory-frame.js';
import type { Session } from '../session/session.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { SqlFrame, type SqlRelation } from './sql-frame.js';

/** A relation in a session's embedded DuckDB (a QueryResult has this shape). */
export interface SessionRelation {
  relation: string;
  session: Session;
}

/**
 * What charts accept: an array of records, a map of column arrays, an apache-arrow Table, a danfo DataFrame,
 * or a DuckDB relation (`{relation, connection}` or `{relation, session}`, e.g. a QueryResult).
 */
export type PlotData = readonly object[] | Record<string, ArrayLike<unknown>> | SqlRelation | SessionRelation | object;

type Loose = Record<string, any>;

const isPlain = (value: unknown): value is Loose => {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

const isFrame = (value: Loose): value is Frame => typeof value.aggregate === 'function' && typeof value.boxStats === 'function';

const isSqlRelation = (value: Loose): value is SqlRelation =>
  typeof value.relation === 'string' && typeof value.connection?.runAndReadAll === 'function';

const isSessionRelation = (value: Loose): value is SessionRelation => typeof value.relation === 'string' && typeof value.session?.service === 'function';

function recordsColumns(records: readonly Loose[]): Map<string, unknown[]> {
  const names = new Set<string>();
  for (const record of records) for (const name of Object.keys(record)) names.add(name);
  return new Map([...names].map((name) => [name, records.map((r) => r[name])]));
}

/** The Frame that answers a chart's questions about `data`, or undefined when `data` is not chartable. */
export async function frameOf(data: unknown): Promise<Frame | undefined> {
  const v = data as Loose;
  if (v === null || typeof v !== 'object') return undefined;
  if (isFrame(v)) return v;
  if (isSqlRelation(v)) return new SqlFrame(v);
  if (isSessionRelation(v)) return new SqlFrame({ relation: v.relation, connection: (await embeddedDuckDB(v.session)).connection });
  if (Array.isArray(data)) return data.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r)) ? new MemoryFrame(recordsColumns(data as Loose[])) : undefined;
  if (v.schema?.fields && typeof v.getChild === 'function') {
    const fields: Array<{ name: string }> = v.schema.fields;
    return new MemoryFrame(new Map(fields.map((f) => [f.name, Array.from(v.getChild(f.name)?.toArray() ?? [])])));
  }
  if (Array.isArray(v.columns) && Array.isArray(v.shape) && typeof v.column === 'function') {
    const names: string[] = v.columns;
    return new MemoryFrame(new Map(names.map((name) => [name, Array.from(v.column(name).values as ArrayLike<unknown>)])));
  }
  if (typeof v.toArrow === 'function') return frameOf(await v.toArrow());
  if (isPlain(v) && Object.values(v).length > 0 && Object.values(v).every((c) => Array.isArray(c) || ArrayBuffer.isView(c))) {
    return new MemoryFrame(new Map(Object.entries(v).map(([name, values]) => [name, Array.from(values as ArrayLike<unknown>)])));
  }
  return undefined;
}

/** The Frame of `data`; data that cannot be charted is an error naming what can. */
export async function toFrame(data: unknown): Promise<Frame> {
  const frame = await frameOf(data);
  if (frame) return frame;
  const v = data as Loose;
  throw new DataKernelError(
    `Cannot chart a ${v === null ? 'null' : Array.isArray(v) ? 'array of non-objects' : typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v}`,
    'Pass an array of records, a map of column arrays ({x: [...], y: [...]}), an Arrow Table, a danfo DataFrame or a query result.',
  );
}
