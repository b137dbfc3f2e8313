import type { Session } from '../session/session.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import type { SourceColumn, SourceTable } from './connector.js';

/** Tables and views of one catalog of the embedded DuckDB (optionally only `name`). */
export async function embeddedTables(session: Session, catalog: string, name?: string): Promise<SourceTable[]> {
  const { connection } = await embeddedDuckDB(session);
  const reader = await connection.runAndReadAll(
    `SELECT schema_name, table_name, 'table' AS kind FROM duckdb_tables() WHERE database_name = $catalog AND NOT internal
     UNION ALL SELECT schema_name, view_name, 'view' FROM duckdb_views() WHERE database_name = $catalog AND NOT internal
     ORDER BY 1, 2`,
    { catalog },
  );
  return reader
    .getRowsJS()
    .map(([schema, table, kind]) => ({ schema: String(schema), name: String(table), kind: kind as SourceTable['kind'] }))
    .filter((t) => name === undefined || t.name === name);
}

/** Columns of a relation of the embedded DuckDB, with primary-key membership where DuckDB knows it. */
export async function embeddedColumns(session: Session, relation: string): Promise<SourceColumn[]> {
  const { connection } = await embeddedDuckDB(session);
  const reader = await connection.runAndReadAll(`DESCRIBE ${relation}`);
  return reader.getRowObjectsJS().map((r) => ({
    name: String(r.column_name),
    sourceType: String(r.column_type),
    duckdbType: String(r.column_type),
    nullable: r.null !== 'NO',
    ...(r.key === 'PRI' ? { key: true } : {}),
  }));
}
