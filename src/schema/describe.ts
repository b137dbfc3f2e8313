import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnKey, ColumnSchema } from './model.js';

/** A table or view of a DuckDB database, by its parts. */
export interface TableName {
  catalog?: string;
  schema?: string;
  table: string;
}

async function rows(connection: DuckDBConnection, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  return (await connection.runAndReadAll(sql, params as never)).getRowObjectsJS() as Record<string, unknown>[];
}

/** Columns of any relation, by DESCRIBE: DuckDB types, all nullable (a query does not promise NOT NULL). */
export async function describeRelation(connection: DuckDBConnection, relation: string): Promise<ColumnSchema[]> {
  const described = await rows(connection, `DESCRIBE SELECT * FROM ${relation}`);
  return described.map((r, i) => ({
    name: String(r.column_name),
    sourceType: String(r.column_type),
    duckdbType: String(r.column_type),
    nullable: r.null !== 'NO',
    position: i + 1,
  }));
}

/** What a name in the embedded DuckDB is: a table, a view, or nothing. */
export async function findTable(connection: DuckDBConnection, name: TableName): Promise<{ name: Required<TableName>; kind: 'table' | 'view' } | undefined> {
  const found = await rows(
    connection,
    `SELECT * FROM (
       SELECT database_name, schema_name, table_name, 'table' AS kind FROM duckdb_tables()
       UNION ALL
       SELECT database_name, schema_name, view_name, 'view' FROM duckdb_views() WHERE NOT internal
     ) WHERE table_name = $1 AND ($2::VARCHAR IS NULL OR schema_name = $2) AND ($3::VARCHAR IS NULL OR database_name = $3)
     ORDER BY database_name = 'temp' DESC, schema_name = 'main' DESC`,
    [name.table, name.schema ?? null, name.catalog ?? null],
  );
  const first = found[0];
  if (!first) return undefined;
  return {
    name: { catalog: String(first.database_name), schema: String(first.schema_name), table: String(first.table_name) },
    kind: first.kind === 'view' ? 'view' : 'table',
  };
}

/** Columns of a table or view of the embedded DuckDB, with NOT NULL and key constraints. */
export async function describeTable(connection: DuckDBConnection, name: Required<TableName>): Promise<ColumnSchema[]> {
  const params = [name.catalog, name.schema, name.table];
  const columns = await rows(
    connection,
    `SELECT column_name, data_type, is_nullable, column_index FROM duckdb_columns()
     WHERE database_name = $1 AND schema_name = $2 AND table_name = $3 ORDER BY column_index`,
    params,
  );
  const constraints = await rows(
    connection,
    `SELECT constraint_type, constraint_column_names FROM duckdb_constraints()
     WHERE database_name = $1 AND schema_name = $2 AND table_name = $3 AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')`,
    params,
  );
  const keys = new Map<string, ColumnKey>();
  for (const c of constraints) {
    const names = c.constraint_column_names as string[];
    for (const column of names) if (!keys.has(column) || c.constraint_type === 'PRIMARY KEY') keys.set(column, c.constraint_type === 'PRIMARY KEY' ? 'primary' : 'unique');
  }
  return columns.map((c) => ({
    name: String(c.column_name),
    sourceType: String(c.data_type),
    duckdbType: String(c.data_type),
    nullable: Boolean(c.is_nullable),
    ...(keys.has(String(c.column_name)) ? { key: keys.get(String(c.column_name)) } : {}),
    position: Number(c.column_index),
  }));
}

/**
 * Columns of Parquet files: DuckDB types, with NOT NULL where the files declare the column REQUIRED
 * (only when every file agrees; a glob of files written at different times may not).
 */
export async function describeParquet(connection: DuckDBConnection, relation: string, fileList: string): Promise<ColumnSchema[]> {
  const columns = await describeRelation(connection, relation);
  const repetition = await rows(
    connection,
    `SELECT name, bool_and(repetition_type = 'REQUIRED') AS required FROM parquet_schema(${fileList}) GROUP BY name`,
  );
  const required = new Set(repetition.filter((r) => r.required === true).map((r) => String(r.name)));
  return columns.map((c) => ({ ...c, nullable: !required.has(c.name) }));
}
