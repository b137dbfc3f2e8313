import { existsSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { isRemote, type Connector } from '../connectors/connector.js';
import { fileFormat, fileReader } from '../connectors/files.js';
import { findConnection } from '../connectors/registry.js';
import { isStreamConnector, SCHEMA_SAMPLE, type StreamConnector } from '../connectors/stream.js';
import { streamColumns } from '../streams/stream-table.js';
import { relationOf } from '../sql/column-writer.js';
import { DataKernelError } from '../errors.js';
import type { Session } from '../session/session.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { quoteIdent, quoteMysqlIdent, quoteQualified } from '../sql/identifiers.js';
import { resolveRelation } from '../sql/relation.js';
import { isDottedName, nameParts } from '../sql/sql-text.js';
import { isTableLike, registerValue, type VariableScope } from '../sql/register-value.js';
import { describeParquet, describeRelation, describeTable, findTable } from './describe.js';
import type { SchemaChange } from './diff.js';
import type { ColumnSchema, TableSchema, TargetKind } from './model.js';

/** Anything a schema can be read from: a name (table, view, file, connection table, variable) or a query result. */
export type TargetSource = string | { relation: string; columns: ReadonlyArray<{ name: string; type: string }>; numRows: number };

/** Where relative file paths start and where kernel variables live. */
export interface TargetOptions {
  /** Folder relative file paths start from. @default session.projectDir */
  cwd?: string;
  /** Kernel variables a name may refer to. */
  variables?: VariableScope;
}

/** A resolved target: its normalised schema, row count and an SQL relation over its data. */
export interface SchemaTarget {
  /** The name snapshots are stored under (files: relative to the project folder). */
  readonly key: string;
  readonly kind: TargetKind;
  /** The connection and table, for tables of remote connections (Postgres, MySQL/MariaDB). */
  readonly remote?: { connector: Connector; table: string };
  /** The stream connection, for event streams (%connect NAME nats://...). */
  readonly stream?: StreamConnector;
  /** Streams: the sequence of the first message since `since` that shows each change. */
  locate?(changes: readonly SchemaChange[], since: Date): Promise<Map<SchemaChange, number>>;
  /** Streams: whether some message has both fields (so one is not the other renamed). */
  seenTogether?(a: string, b: string): Promise<boolean>;
  schema(): Promise<TableSchema>;
  /** Rows, counted where the data lives (on the source for remote tables). */
  rowCount(): Promise<number>;
  /** An SQL relation over the data in the embedded DuckDB; remote tables are loaded into it first. */
  relation(): Promise<string>;
}

const isResult = (value: unknown): value is Exclude<TargetSource, string> =>
  !!value && typeof value === 'object' && typeof (value as { relation?: unknown }).relation === 'string' && Array.isArray((value as { columns?: unknown }).columns);

const looksLikeFile = (name: string) => fileFormat(name) !== undefined || /[*?/\\]/.test(name) || name.startsWith('.');

async function countRows(session: Session, relation: string): Promise<number> {
  const { connection } = await embeddedDuckDB(session);
  const reader = await connection.runAndReadAll(`SELECT count(*) FROM ${relation}`);
  return Number(reader.getRows()[0][0]);
}

function relationTarget(session: Session, key: string, kind: TargetKind, relation: () => Promise<string>, columns: () => Promise<ColumnSchema[]>): SchemaTarget {
  return {
    key,
    kind,
    schema: async () => ({ target: key, kind, columns: await columns() }),
    rowCount: async () => countRows(session, await relation()),
    relation,
  };
}

function resultTarget(session: Session, key: string, result: Exclude<TargetSource, string>): SchemaTarget {
  return relationTarget(session, key, 'result', async () => result.relation, async () => describeRelation((await embeddedDuckDB(session)).connection, result.relation));
}

/** The name a file is known by in the catalog: relative to the project folder when inside it, else absolute. */
export function projectKey(session: Session, path: string): string {
  const inProject = relative(session.projectDir, path);
  return inProject && !inProject.startsWith('..') && !isAbsolute(inProject) ? inProject.split(sep).join('/') : path;
}

function fileTarget(session: Session, name: string, cwd: string): SchemaTarget {
  const path = resolve(cwd, name);
  const reader = () => fileReader(path, cwd);
  return relationTarget(session, projectKey(session, path), 'file', async () => reader(), async () => {
    const relation = reader();
    const { connection } = await embeddedDuckDB(session);
    const parquetFiles = /^read_parquet\(('(?:[^']|'')*')/.exec(relation)?.[1];
    return parquetFiles ? describeParquet(connection, relation, parquetFiles) : describeRelation(connection, relation);
  });
}

/** A remote table's name in the source's own SQL: Postgres folds unquoted names to lower case, MySQL and ClickHouse do not. */
export function sourceTableName(connector: Connector, table: string): string {
  const parts = nameParts(table);
  if (connector.kind === 'mysql') return parts.map((p) => quoteMysqlIdent(p.name)).join('.');
  if (connector.kind === 'clickhouse') return parts.map((p) => quoteIdent(p.name)).join('.');
  return parts.map((p) => quoteIdent(p.quoted ? p.name : p.name.toLowerCase())).join('.');
}

function remoteTarget(session: Session, key: string, connector: Connector, table: string): SchemaTarget {
  return {
    key,
    kind: 'connection',
    remote: { connector, table },
    schema: async () => ({
      target: key,
      kind: 'connection',
      columns: (await connector.columns(table)).map((c, i) => ({
        name: c.name,
        sourceType: c.sourceType,
        duckdbType: c.duckdbType,
        nullable: c.nullable,
        ...(c.key ? { key: 'primary' as const } : {}),
        position: i + 1,
      })),
    }),
    rowCount: async () => {
      const result = await connector.query(`SELECT count(*) AS n FROM ${sourceTableName(connector, table)}`);
      const [row] = await result.toArray(1);
      return Number(row?.n ?? 0);
    },
    relation: () => resolveRelation(session, key),
  };
}

// A stream's schema is that of its newest messages (what producers send now); its rows are every retained message.
function streamTarget(connector: StreamConnector): SchemaTarget {
  return {
    key: connector.name,
    kind: 'stream',
    stream: connector,
    locate: (changes, since) => connector.messages.locate(changes, since),
    seenTogether: (a, b) => connector.messages.seenTogether(a, b),
    schema: async () => {
      await connector.messages.refresh();
      return { target: connector.name, kind: 'stream', columns: streamColumns(await connector.messages.fields(SCHEMA_SAMPLE)) };
    },
    rowCount: async () => connector.copyInto(connector.target, { table: connector.name }),
    relation: async () => {
      await connector.copyInto(connector.target, { table: connector.name });
      return relationOf(connector.target);
    },
  };
}

/**
 * Resolves what the user named: a kernel variable (query result, array of records, Arrow table, DataFrame), a
 * file/glob/folder (.parquet/.csv/.json), an event stream connection NAME, a remote connection table `NAME.schema.table`, or a table or view of
 * the embedded DuckDB (`table`, `schema.table`, `catalog.schema.table`).
 */
export async function resolveTarget(session: Session, source: TargetSource, options: TargetOptions = {}): Promise<SchemaTarget> {
  const cwd = options.cwd ?? session.projectDir;
  if (typeof source !== 'string') {
    if (!isResult(source)) throw new DataKernelError('Not a schema target', 'Pass a table, view, file path, connection table, variable name or query result.');
    return resultTarget(session, source.relation, source);
  }
  const name = source.trim();
  const variables = options.variables;
  if (variables?.has(name)) {
    const value = variables.get(name);
    if (isResult(value)) return resultTarget(session, name, value);
    if (isTableLike(value)) {
      // Registered once per target: a command reads both the schema and the rows.
      let registered: Promise<string> | undefined;
      const relation = () => (registered ??= registerValue(session, name, value));
      return relationTarget(session, name, 'variable', relation, async () => describeRelation((await embeddedDuckDB(session)).connection, await relation()));
    }
  }
  const stream = findConnection(session, name);
  if (isStreamConnector(stream)) return streamTarget(stream);
  const full = resolve(cwd, name);
  if (looksLikeFile(name) || (existsSync(full) && statSync(full).isFile())) return fileTarget(session, name, cwd);
  // A folder's path (`data/2024-01`) is no dotted name, and is read as the folder below.
  const parts = isDottedName(name) ? nameParts(name).map((p) => p.name) : [];
  const connector = parts.length >= 2 ? findConnection(session, parts[0]) : undefined;
  if (connector && isRemote(connector)) {
    return remoteTarget(session, name, connector, name.slice(name.indexOf('.') + 1));
  }
  const { connection } = await embeddedDuckDB(session);
  const [catalog, schema, table] = parts.length === 3 ? parts : parts.length === 2 ? [undefined, ...parts] : [undefined, undefined, parts[0]];
  const found = parts.length <= 3 && table ? await findTable(connection, { catalog, schema, table }) : undefined;
  if (found) {
    const relation = quoteQualified(found.name.catalog, found.name.schema, found.name.table);
    return relationTarget(session, name, found.kind, async () => relation, async () => describeTable(connection, found.name));
  }
  if (existsSync(full)) return fileTarget(session, name, cwd);
  throw new DataKernelError(
    `No table, view, file, connection table or variable named ${name}`,
    'Name a DuckDB table or view, a file path (.parquet/.csv/.json, glob or folder), a connection table NAME.schema.table (%connect), or a variable holding rows.',
  );
}
