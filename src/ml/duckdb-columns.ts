import type { DuckDBAppender, DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import { quoteIdent } from '../sql/identifiers.js';
import type { Column, ColumnBatch, InputType } from './columns.js';

/** A column of a relation and how it is read as a model input. */
export interface RelationColumn {
  name: string;
  sqlType: string;
  type: InputType;
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL.*)$/i;

/** The columns of `relation` with the input type each becomes (numbers, booleans, everything else as text). */
export async function describeRelation(connection: DuckDBConnection, relation: string): Promise<RelationColumn[]> {
  const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`);
  return reader.getRowObjectsJS().map((row) => {
    const sqlType = String(row.column_type);
    const type: InputType = NUMERIC.test(sqlType) ? 'number' : sqlType.toUpperCase() === 'BOOLEAN' ? 'boolean' : 'string';
    return { name: String(row.column_name), sqlType, type };
  });
}

/**
 * The SELECT list that reads `columns` as DOUBLE (numbers) or VARCHAR (everything else), so each chunk vector
 * holds one known JS type.
 */
export const typedSelectList = (columns: RelationColumn[]) =>
  columns.map((c) => `CAST(${quoteIdent(c.name)} AS ${c.type === 'number' ? 'DOUBLE' : 'VARCHAR'})`).join(', ');

function emptyColumns(columns: RelationColumn[], length: number): Record<string, Column> {
  return Object.fromEntries(columns.map((c) => [c.name, c.type === 'number' ? new Float64Array(length) : new Array<string | null>(length)]));
}

function copyChunk(chunk: DuckDBDataChunk, columns: RelationColumn[], into: Record<string, Column>, at: number): void {
  const rows = chunk.rowCount;
  columns.forEach((c, j) => {
    const vector = chunk.getColumnVector(j);
    const target = into[c.name];
    if (target instanceof Float64Array) {
      for (let i = 0; i < rows; i++) target[at + i] = (vector.getItem(i) as number | null) ?? NaN;
    } else {
      for (let i = 0; i < rows; i++) target[at + i] = vector.getItem(i) as string | null;
    }
  });
}

/** Reads `columns` of `relation` as typed columns: Float64Array with NaN for null, or strings; no row objects. */
export async function readColumns(connection: DuckDBConnection, relation: string, columns: RelationColumn[]): Promise<ColumnBatch> {
  const result = await connection.run(`SELECT ${typedSelectList(columns)} FROM ${relation}`);
  const chunks: DuckDBDataChunk[] = [];
  let length = 0;
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    chunks.push(chunk);
    length += chunk.rowCount;
  }
  const batch: ColumnBatch = { length, columns: emptyColumns(columns, length) };
  let at = 0;
  for (const chunk of chunks) {
    copyChunk(chunk, columns, batch.columns, at);
    at += chunk.rowCount;
  }
  return batch;
}

/** Streams `sql` (a SELECT of typedSelectList columns) in batches of about `size` rows, as typed columns. */
export async function* streamColumns(connection: DuckDBConnection, sql: string, columns: RelationColumn[], size: number): AsyncGenerator<ColumnBatch> {
  const result = await connection.stream(sql);
  let pending: DuckDBDataChunk[] = [];
  let rows = 0;
  const take = (): ColumnBatch => {
    const batch: ColumnBatch = { length: rows, columns: emptyColumns(columns, rows) };
    let at = 0;
    for (const chunk of pending) {
      copyChunk(chunk, columns, batch.columns, at);
      at += chunk.rowCount;
    }
    pending = [];
    rows = 0;
    return batch;
  };
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    pending.push(chunk);
    rows += chunk.rowCount;
    if (rows >= size) yield take();
  }
  if (rows > 0) yield take();
}

// DuckDB's vector size: an appended data chunk holds at most this many rows.
const CHUNK_ROWS = 2048;

/**
 * Appends columns of equal length (numbers or strings, matching the table's column types) by writing DuckDB
 * vectors directly: no per-value conversion, no row objects.
 */
export async function appendTypedColumns(appender: DuckDBAppender, columns: ArrayLike<number | string | null>[], length: number): Promise<void> {
  const { DuckDBDataChunk } = await import('@duckdb/node-api');
  const types = columns.map((_, j) => appender.columnType(j));
  for (let start = 0; start < length; start += CHUNK_ROWS) {
    const rows = Math.min(CHUNK_ROWS, length - start);
    const chunk = DuckDBDataChunk.create(types, rows);
    columns.forEach((values, j) => {
      const vector = chunk.getColumnVector(j) as { setItem(i: number, v: unknown): void; flush(): void };
      for (let i = 0; i < rows; i++) vector.setItem(i, values[start + i]);
      vector.flush();
    });
    appender.appendDataChunk(chunk);
  }
}
