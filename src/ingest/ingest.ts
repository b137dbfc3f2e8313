import { resolve } from 'node:path';
import type { Connector } from '../connectors/connector.js';
import type { ClickhouseConnector } from '../connectors/clickhouse.js';
import { findConnection, getConnection } from '../connectors/registry.js';
import { isDottedName, nameParts } from '../sql/sql-text.js';
import { Progress } from '../display/progress.js';
import { DataKernelError } from '../errors.js';
import { describeParquet, describeTable } from '../schema/describe.js';
import type { ColumnSchema, TableSchema } from '../schema/model.js';
import { projectKey, resolveTarget, sourceTableName, type TargetOptions, type TargetSource } from '../schema/target.js';
import type { Session } from '../session/session.js';
import { relationOf, tempTable, type TableRef } from '../sql/column-writer.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { quoteIdent, quoteMysqlIdent, tempName } from '../sql/identifiers.js';
import { clearCursor, readCursor, saveCursor, type IngestCursor } from './cursor-store.js';
import { ParquetDestination } from './destination.js';
import { IngestResult } from './result.js';
import { checkSchema } from './schema-gate.js';

/** Options of a load. */
export interface IngestOptions extends TargetOptions {
  /** Destination: a .parquet file, or a folder for a dataset of part files. */
  into: string;
  /** Output format; only Parquet is written. @default 'parquet' */
  format?: string;
  /** Replace the data, add to it, or add only rows past the stored cursor. @default 'overwrite' */
  mode?: 'overwrite' | 'append' | 'incremental';
  /** The column that orders new rows (an id or a timestamp), for `incremental`. */
  cursor?: string;
  /** Columns to partition the dataset folder by (hive layout `col=value/`). */
  partitionBy?: string[];
  /** Write even when the source's schema breaks the destination's. @default false */
  allowBreaking?: boolean;
  /** SQL to run on the source connection (SOURCE is then the connection's name). */
  query?: string;
}

/** Where the rows come from and how to stage rows past a cursor into the embedded DuckDB. */
interface Origin {
  label: string;
  /** The source's schema when known before loading (tables), for an early check. */
  schema?: () => Promise<TableSchema>;
  stage(target: TableRef, after?: { column: string; value: string; type: string }): Promise<void>;
}

const placeholder = (connector: Connector) => (connector.kind === 'mysql' ? '?' : '$1');
const sourceIdent = (connector: Connector, name: string) => (connector.kind === 'mysql' ? quoteMysqlIdent(name) : quoteIdent(name));

function remoteOrigin(label: string, connector: Connector, from: { table: string } | { sql: string }, schema?: () => Promise<TableSchema>): Origin {
  const select = 'table' in from ? `SELECT * FROM ${sourceTableName(connector, from.table)}` : `SELECT * FROM (${from.sql}) AS dk_source`;
  return {
    label,
    schema,
    async stage(target, after) {
      // The cursor filter runs on the source with a bound value: only new rows cross the wire.
      if (after) await connector.copyInto(target, { sql: `${select} WHERE ${sourceIdent(connector, after.column)} > ${placeholder(connector)}`, params: [after.value] });
      else await connector.copyInto(target, 'table' in from ? { table: from.table } : { sql: from.sql });
    },
  };
}

async function originOf(session: Session, source: TargetSource, options: IngestOptions): Promise<Origin> {
  if (options.query) {
    if (typeof source !== 'string') throw new DataKernelError('--query needs a connection name as SOURCE', 'e.g. %ingest pg --query "SELECT ..." --into out.parquet');
    const connector = getConnection(session, source.trim());
    return remoteOrigin(`${connector.name}: ${options.query.replace(/\s+/g, ' ').slice(0, 60)}`, connector, { sql: options.query });
  }
  const target = await resolveTarget(session, source, options);
  if (target.remote) return remoteOrigin(target.key, target.remote.connector, { table: target.remote.table }, () => target.schema());
  return {
    label: target.key,
    schema: () => target.schema(),
    async stage(staged, after) {
      const { connection } = await embeddedDuckDB(session);
      const relation = await target.relation();
      const where = after ? ` WHERE ${quoteIdent(after.column)} > CAST($1 AS ${after.type})` : '';
      await connection.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(staged.table)} AS SELECT * FROM ${relation}${where}`, after ? [after.value] : []);
    },
  };
}

/** The schema of what a destination holds, with partition columns typed as the incoming data types them. */
export async function destinationSchema(session: Session, destination: ParquetDestination, label: string, incoming: ColumnSchema[]): Promise<TableSchema> {
  const { connection } = await embeddedDuckDB(session);
  const partitions = new Set(destination.partitionColumns());
  const columns = (await describeParquet(connection, destination.reader(), destination.fileList())).map((c) => {
    // Partition values live in folder names, typed by guessing; the source's type is what was written.
    const source = partitions.has(c.name) ? incoming.find((i) => i.name === c.name) : undefined;
    return source ? { ...c, duckdbType: source.duckdbType, sourceType: source.duckdbType } : c;
  });
  return { target: label, kind: 'file', columns };
}

/**
 * The cursor of a destination first filled by a full load: the largest value already there, so switching to
 * incremental loads does not load those rows again.
 */
async function cursorFromData(session: Session, destination: ParquetDestination, schema: TableSchema, column: string): Promise<Omit<IngestCursor, 'destination' | 'updatedAt'> | undefined> {
  const found = schema.columns.find((c) => c.name === column || c.name.toLowerCase() === column.toLowerCase());
  if (!found) return undefined;
  const { connection } = await embeddedDuckDB(session);
  const latest = (await connection.runAndReadAll(`SELECT max(${quoteIdent(found.name)})::VARCHAR FROM ${destination.reader()}`)).getRows()[0][0];
  return latest === null ? undefined : { column: found.name, value: String(latest), type: found.duckdbType };
}

/**
 * Where an incremental load resumes: the stored cursor, unless the data already holds rows past it (a load killed
 * after its Parquet was in place and before its cursor was saved: loading from the stored one would write those
 * rows twice), or nothing is stored; then the largest value written.
 */
async function resumeCursor(session: Session, key: string, destination: ParquetDestination, schema: TableSchema, column: string): Promise<Omit<IngestCursor, 'destination' | 'updatedAt'> | undefined> {
  const saved = await readCursor(session, key);
  const written = await cursorFromData(session, destination, schema, saved?.column ?? column);
  if (!saved || !written) return saved ?? written;
  const { connection } = await embeddedDuckDB(session);
  const ahead = (await connection.runAndReadAll(`SELECT CAST($1 AS ${written.type}) > CAST($2 AS ${written.type})`, [written.value, saved.value])).getRows()[0][0];
  return ahead === true ? written : saved;
}

function validate(options: IngestOptions): void {
  const format = (options.format ?? 'parquet').toLowerCase();
  if (format !== 'parquet') throw new DataKernelError(`%ingest writes Parquet, not ${options.format}`, 'Drop --format or use --format parquet.');
  const mode = options.mode ?? 'overwrite';
  if (!['overwrite', 'append', 'incremental'].includes(mode)) throw new DataKernelError(`Unknown --mode ${mode}`, 'Use overwrite, append or incremental.');
  if (mode === 'incremental' && !options.cursor) throw new DataKernelError('Incremental loads need a cursor column', 'Add --cursor COLUMN: an id or timestamp that grows with new rows.');
  if (mode !== 'incremental' && options.cursor) throw new DataKernelError('--cursor is for incremental loads', 'Add --mode incremental, or drop --cursor.');
}

/**
 * The connection `--into` names (NAME.database.table), if any; else it is a path. Its first part is read even when
 * the rest is no dotted name, so that a bad table name is refused rather than taken for a path.
 */
function intoConnectionOf(session: Session, into: string): Connector | undefined {
  const parts = isDottedName(into) ? nameParts(into) : undefined;
  const head = parts ? (parts.length >= 2 ? parts[0].name : undefined) : /^\s*([\w$]+)\s*\./.exec(into)?.[1];
  return head === undefined ? undefined : findConnection(session, head);
}

/**
 * Loads a source (table, view, file, connection table, variable, or a query on a connection) into Parquet: the
 * schema is checked against what is already there first (breaking changes stop the load), incremental loads
 * fetch only rows past the stored cursor, and every write goes to a temporary name and is moved into place.
 */
export async function ingest(session: Session, source: TargetSource, options: IngestOptions): Promise<IngestResult> {
  const started = Date.now();
  validate(options);
  const intoConnection = intoConnectionOf(session, options.into);
  if (intoConnection?.kind === 'clickhouse') {
    nameParts(options.into); // a table name that is no dotted name (ch.default.my-table) stops here, saying so
    const { ingestIntoClickhouse } = await import('./into-clickhouse.js');
    return ingestIntoClickhouse(session, source, options, intoConnection as ClickhouseConnector, options.into.slice(options.into.indexOf('.') + 1), originOf);
  }
  const mode = options.mode ?? 'overwrite';
  const partitionBy = options.partitionBy ?? [];
  const path = resolve(options.cwd ?? session.projectDir, options.into);
  const key = projectKey(session, path);
  const destination = new ParquetDestination(path, partitionBy);
  destination.recover();
  const exists = destination.exists();
  const existingPartitions = exists ? destination.partitionColumns() : [];
  if (exists && mode !== 'overwrite' && existingPartitions.join(',') !== partitionBy.join(',')) {
    throw new DataKernelError(
      `${options.into} is partitioned by (${existingPartitions.join(', ') || 'nothing'}), not (${partitionBy.join(', ') || 'nothing'})`,
      existingPartitions.length ? `Add --partition-by ${existingPartitions.join(',')}, or --mode overwrite to change the layout.` : 'Drop --partition-by, or --mode overwrite to change the layout.',
    );
  }
  const origin = await originOf(session, source, options);
  const known = await origin.schema?.();
  const before = exists ? await destinationSchema(session, destination, key, known?.columns ?? []) : undefined;
  // Checked before any row is read when the source's schema is known; checked again on what was staged.
  if (before && known) checkSchema(before, known.columns, origin.label, options.allowBreaking === true);

  const stored = mode === 'incremental' && before ? await resumeCursor(session, key, destination, before, options.cursor!) : undefined;
  if (stored && stored.column !== options.cursor) {
    throw new DataKernelError(`${options.into} was loaded incrementally by ${stored.column}, not ${options.cursor}`, `Use --cursor ${stored.column}, or --mode overwrite to start again.`);
  }
  const { connection } = await embeddedDuckDB(session);
  const staged = tempTable(tempName('ingest'));
  const progress = new Progress({ label: `ingest ${origin.label} -> ${options.into}`, unit: 'rows' });
  try {
    progress.update(0, 'reading source');
    await origin.stage(staged, stored && { column: stored.column, value: stored.value, type: stored.type });
    const columns = await describeTable(connection, { catalog: staged.catalog, schema: staged.schema, table: staged.table });
    const diff = before ? checkSchema(before, columns, origin.label, options.allowBreaking === true) : undefined;
    const rows = Number((await connection.runAndReadAll(`SELECT count(*) FROM ${relationOf(staged)}`)).getRows()[0][0]);
    const cursorColumn = options.cursor && columns.find((c) => c.name === options.cursor || c.name.toLowerCase() === options.cursor!.toLowerCase());
    if (options.cursor && !cursorColumn) throw new DataKernelError(`No column ${options.cursor} in ${origin.label}`, `Columns: ${columns.map((c) => c.name).join(', ')}`);
    // Before the write: a load killed between the two must not leave the old data's cursor on the new data.
    if (mode === 'overwrite') await clearCursor(session, key);
    let files: string[] = [];
    if (rows > 0 || mode === 'overwrite' || !exists) {
      progress.update(rows, 'writing Parquet');
      files = await destination.write(connection, `SELECT * FROM ${relationOf(staged)}`, mode === 'overwrite' || !exists ? 'overwrite' : 'append', partitionBy);
    }
    let cursor: IngestResult['cursor'];
    if (cursorColumn) {
      const latest = (await connection.runAndReadAll(`SELECT max(${quoteIdent(cursorColumn.name)})::VARCHAR FROM ${relationOf(staged)}`)).getRows()[0][0];
      const next: Omit<IngestCursor, 'updatedAt'> | undefined = latest === null ? undefined : { destination: key, column: cursorColumn.name, value: String(latest), type: cursorColumn.duckdbType };
      if (next) await saveCursor(session, next);
      cursor = { column: cursorColumn.name, from: stored?.value, to: next?.value ?? stored?.value };
    }
    progress.finish(`${rows.toLocaleString('en-US')} rows written`);
    return new IngestResult({ source: origin.label, destination: key, mode, rows, files, cursor, diff, seconds: (Date.now() - started) / 1000 });
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${relationOf(staged)}`);
  }
}
