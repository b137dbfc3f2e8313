import type { DuckDBValue } from '@duckdb/node-api';
import { DataKernelError } from '../errors.js';

/** A JS value as a DuckDB parameter value; anything else is refused, never turned into SQL text. */
export async function paramValue(name: string, value: unknown): Promise<DuckDBValue> {
  const duckdb = await import('@duckdb/node-api');
  if (value === null || value === undefined) return null;
  if (['number', 'string', 'boolean', 'bigint'].includes(typeof value)) return value as DuckDBValue;
  if (value instanceof Date) return duckdb.jsToDuckDBValue(value, duckdb.TIMESTAMP);
  if (Array.isArray(value)) return duckdb.listValue(await Promise.all(value.map((v) => paramValue(name, v))));
  throw new DataKernelError(`$${name} is a ${value?.constructor?.name ?? typeof value}, which SQL cannot take as a value`, 'Bind numbers, strings, booleans, bigints, Dates, or arrays of them.');
}
