import type { TableRef } from '../sql/column-writer.js';
import type { RemoteDialect } from '../sql/pushdown.js';
import type { QueryResult } from '../sql/result.js';

/** The kinds of source %connect knows. */
export type ConnectorKind = 'duckdb' | 'files' | 'postgres' | 'mysql' | 'clickhouse' | 'stream';

/** Kinds whose tables DuckDB cannot reach itself: they are copied in (the columns and rows a query needs). */
export const isRemote = (connector: { kind: ConnectorKind }): boolean => connector.kind === 'postgres' || connector.kind === 'mysql' || connector.kind === 'clickhouse';

/** A table or view of a source. */
export interface SourceTable {
  schema: string;
  name: string;
  kind: 'table' | 'view';
}

/** A column of a source table, with the DuckDB type it is loaded as. */
export interface SourceColumn {
  name: string;
  /** The type as the source names it, e.g. "timestamp with time zone", "decimal(10,2)". */
  sourceType: string;
  /** The DuckDB type its values are loaded as, e.g. "TIMESTAMPTZ", "DECIMAL(10,2)", "INTEGER[]". */
  duckdbType: string;
  nullable: boolean;
  /** Part of the primary key. */
  key?: boolean;
}

/** What to copy: a table (`schema.table` or `table`) or a query run on the source. */
export type CopySource = { table: string } | { sql: string; params?: unknown[] };

export interface CopyOptions {
  /** Show a progress bar for long copies. @default true */
  progress?: boolean;
  /** For a table: these of its columns, as `columns()` describes them (saves asking the source again). @default all */
  columns?: SourceColumn[];
  /** For a table: only its first rows, in the source's scan order. @default all */
  limit?: number;
  /** Postgres, for a table: read it as of this exported snapshot (pg_export_snapshot, a replication slot's). */
  snapshot?: string;
  /** For a table: conditions (in the source's SQL, from its `dialect`) the rows must all meet. @default none */
  where?: string[];
}

/** A connected source. Remote sources (postgres, mysql) load tables into DuckDB on demand. */
export interface Connector {
  readonly kind: ConnectorKind;
  /** The connection name (also the DuckDB catalog or view its tables appear under). */
  readonly name: string;
  /** The URI with any password shown as ***. */
  readonly displayUri: string;
  /** Tables and views of the source. */
  tables(): Promise<SourceTable[]>;
  /** Columns of one table (`schema.table` or `table`). */
  columns(table: string): Promise<SourceColumn[]>;
  /** Runs SQL on the source itself, unchanged; the rows come back as a QueryResult in the embedded DuckDB. */
  query(sql: string, params?: unknown[] | Record<string, unknown>): Promise<QueryResult>;
  /** How the source writes SQL for a table, for sources that take filters and aggregates pushed down to them. */
  dialect?(table: string): RemoteDialect;
  /** The SQL a copy sends to the source, for %%sql --explain. */
  copySql?(source: CopySource, options?: CopyOptions): string;
  /**
   * For sources that bind `$name` parameters themselves (in their own dialect's lexical rules): the names a
   * statement uses, so %%sql --on can pass their values (query then takes them as a record).
   */
  parameterNames?(sql: string): string[];
  /** Bulk-loads a table or a query of the source into the embedded DuckDB as `target`; returns the row count. */
  copyInto(target: TableRef, source: CopySource, options?: CopyOptions): Promise<number>;
  close(): Promise<void>;
}
