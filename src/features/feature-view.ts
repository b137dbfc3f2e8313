import { DataKernelError } from '../errors.js';

/** A feature value as served: what Redis holds, read back with the column's type. */
export type FeatureValue = string | number | boolean | null;

/** What `defineFeatures` takes: where the rows are, which column keys them, which are features, and for how long a value holds. */
export interface FeatureViewSpec {
  name: string;
  /** The entity key column (e.g. user_id). */
  entity: string;
  /** A DuckDB table or view, a file path/glob, a connection table NAME.schema.table, or a query (SELECT ...). */
  source: string;
  /** The feature columns. */
  features: string[];
  /** The event-time column (TIMESTAMP, TIMESTAMPTZ or DATE). */
  timestamp: string;
  /** How long a value stays valid after its event time: milliseconds, or text like "7d", "12h", "30m", "45s". None: forever. */
  ttl?: number | string;
  /** Values served for an entity the online store does not hold; without them, serving answers 404 for it. */
  defaults?: Record<string, FeatureValue>;
  /** Redis key prefix of the view's keys. @default "dk:fv:" */
  keyPrefix?: string;
}

/** A feature view as the catalog keeps it: the spec checked against its source, with column types. */
export interface FeatureView {
  name: string;
  entity: string;
  source: string;
  features: string[];
  timestamp: string;
  ttlMs: number | null;
  defaults: Record<string, FeatureValue> | null;
  keyPrefix: string;
  /** DuckDB type of the entity column and of each feature. */
  types: Record<string, string>;
  definedAt: string;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds of a TTL given as a number of ms or text with a unit ("7d", "90m", "1.5h"). */
export function parseTtl(ttl: number | string | undefined | null): number | null {
  if (ttl === undefined || ttl === null || ttl === '') return null;
  if (typeof ttl === 'number') {
    if (!(ttl > 0) || !Number.isFinite(ttl)) throw new DataKernelError(`ttl must be a positive number of milliseconds, got ${ttl}`, 'e.g. ttl: "7d" or ttl: 3600000');
    return ttl;
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$/i.exec(ttl);
  if (!match || !(Number(match[1]) > 0)) throw new DataKernelError(`Cannot read ttl "${ttl}"`, 'Give a number with a unit: 500ms, 45s, 30m, 12h, 7d or 2w.');
  return Number(match[1]) * UNITS[match[2].toLowerCase()];
}

/** "7d", "12h"... for a TTL in ms, for listings. */
export function formatTtl(ms: number | null): string {
  if (ms === null) return 'none';
  for (const [unit, size] of [['d', UNITS.d], ['h', UNITS.h], ['m', UNITS.m], ['s', UNITS.s]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks the parts of a spec that need no data: names, lists, TTL, defaults. */
export function checkSpec(spec: FeatureViewSpec): void {
  if (typeof spec?.name !== 'string' || !NAME.test(spec.name)) {
    throw new DataKernelError(`A feature view needs a name of letters, digits and _, got ${JSON.stringify(spec?.name)}`, 'e.g. defineFeatures({ name: "user_stats", ... })');
  }
  for (const key of ['entity', 'source', 'timestamp'] as const) {
    if (typeof spec[key] !== 'string' || !spec[key].trim()) throw new DataKernelError(`Feature view ${spec.name} needs "${key}"`, 'Give entity (key column), source (table, file or query), timestamp (event-time column) and features.');
  }
  if (!Array.isArray(spec.features) || spec.features.length === 0 || !spec.features.every((f) => typeof f === 'string' && f)) {
    throw new DataKernelError(`Feature view ${spec.name} needs "features": a non-empty list of column names`, 'e.g. features: ["clicks_7d", "spend_30d"]');
  }
  const clash = spec.features.find((f) => f === spec.entity || f === spec.timestamp || f.startsWith('_'));
  if (clash) throw new DataKernelError(`Feature view ${spec.name}: "${clash}" cannot be a feature`, 'Features are other columns than the entity key and the event time, and do not start with _.');
  parseTtl(spec.ttl);
  for (const name of Object.keys(spec.defaults ?? {})) {
    if (!spec.features.includes(name)) throw new DataKernelError(`Feature view ${spec.name}: default for unknown feature "${name}"`, `Defaults name features of the view: ${spec.features.join(', ')}.`);
  }
  if (spec.keyPrefix !== undefined && (typeof spec.keyPrefix !== 'string' || !spec.keyPrefix)) throw new DataKernelError('keyPrefix must be non-empty text', 'e.g. keyPrefix: "shop:fv:"');
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL.*)$/i;

/** The JS value of a feature read back from Redis (which holds text) for the column's DuckDB type. */
export function decodeValue(type: string, text: string | null | undefined): FeatureValue {
  if (text === null || text === undefined) return null;
  if (NUMERIC.test(type)) return Number(text);
  if (/^BOOL/i.test(type)) return text === 'true';
  return text;
}

/** The input type a model sees for a DuckDB column type. */
export const valueKind = (type: string): 'number' | 'boolean' | 'string' => (NUMERIC.test(type) ? 'number' : /^BOOL/i.test(type) ? 'boolean' : 'string');
