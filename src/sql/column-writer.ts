import type { DuckDBConnection, DuckDBType } from '@duckdb/node-api';
import { quoteIdent, quoteQualified } from './identifiers.js';

/** A column of JS values with the DuckDB type it is written as (SQL type text, e.g. "DOUBLE", "VARCHAR[]"). */
export interface ColumnData {
  name: string;
  sqlType: string;
  values: ArrayLike<unknown>;
}

/** A table in the embedded DuckDB by its parts; temporary tables live in catalog "temp", schema "main". */
export interface TableRef {
  catalog: string;
  schema: string;
  table: string;
}

/** The quoted relation of a TableRef. */
export const relationOf = (ref: TableRef): string => quoteQualified(ref.catalog, ref.schema, ref.table);

/** `CREATE OR REPLACE [TEMP] TABLE relation`, TEMP for tables in catalog "temp". */
export const createTable = (target: TableRef): string => `CREATE OR REPLACE ${target.catalog === 'temp' ? 'TEMP ' : ''}TABLE ${relationOf(target)}`;

/** A temporary table's TableRef. */
export const tempTable = (table: string): TableRef => ({ catalog: 'temp', schema: 'main', table });

// DuckDB's vector size: a data chunk holds at most this many rows.
const CHUNK_ROWS = 2048;

/** Creates (or replaces) `target` with `columns` and fills it through the appender in data chunks. */
export async function writeColumns(connection: DuckDBConnection, target: TableRef, columns: ColumnData[]): Promise<void> {
  const defs = columns.map((c) => `${quoteIdent(c.name)} ${c.sqlType}`).join(', ');
  await connection.run(`${createTable(target)} (${defs})`);
  await appendColumns(connection, target, columns);
}

/** Appends columns of equal length to an existing table whose column types they fit. */
export async function appendColumns(connection: DuckDBConnection, target: TableRef, columns: ColumnData[]): Promise<void> {
  const rows = columns[0]?.values.length ?? 0;
  if (rows === 0) return;
  const { DuckDBDataChunk, JSToDuckDBValueConverter } = await import('@duckdb/node-api');
  const appender = await connection.createAppender(target.table, target.schema, target.catalog);
  try {
    const types: DuckDBType[] = columns.map((_, i) => appender.columnType(i));
    for (let start = 0; start < rows; start += CHUNK_ROWS) {
      const end = Math.min(rows, start + CHUNK_ROWS);
      const chunk = DuckDBDataChunk.create(types, end - start);
      chunk.setColumnsConverted(
        columns.map((c) => Array.prototype.slice.call(c.values, start, end).map((v) => (v === undefined ? null : v))),
        JSToDuckDBValueConverter,
      );
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
