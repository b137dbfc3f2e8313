import type { DuckDBValue } from '@duckdb/node-api';
import { DataKernelError } from '../errors.js';

/** A JS value as a DuckDB parameter value; anything else is refused, never turned into SQL text. */
export async function paramValue(name: string, value: unknown): Promise<DuckDBValue> {
  const duckdb = await import('@duckdb/node-api');
  if (value === null || value === undefined) return null;
  if (['number', 'string', 'boolean', 'bigint'].includes(typeof value)) return value as DuckDBValue;
  if (value instanceof Date) return duckdb.jsToDuckDBValue(value, duckdb.TIMESTAMP);
  // DuckDB types a list by its first item, so [1, 0.5] fails as an INTEGER list, and typed arrays (embeddings) are
  // no lists at all: these go as the list's text, which `$q::FLOAT[n]` or `$q::DOUBLE[]` reads back exactly.
  if (ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array)) {
    return `[${Array.from(value as unknown as ArrayLike<number>).join(', ')}]`;
  }
  if (Array.isArray(value) && Number.isInteger(value[0]) && value.every((v) => typeof v === 'number') && !value.every(Number.isInteger)) return `[${value.join(', ')}]`;
  if (Array.isArray(value)) return duckdb.listValue(await Promise.all(value.map((v) => paramValue(name, v))));
  throw new DataKernelError(`$${name} is a ${value?.constructor?.name ?? typeof value}, which SQL cannot take as a value`, 'Bind numbers, strings, booleans, bigints, Dates, or arrays of them.');
}
