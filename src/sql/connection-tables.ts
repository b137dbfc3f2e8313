import type { DuckDBConnection } from '@duckdb/node-api';
import { isRemote, type Connector, type SourceColumn } from '../connectors/connector.js';
import { findConnection } from '../connectors/registry.js';
import { isStreamConnector } from '../connectors/stream.js';
import type { Session } from '../session/session.js';
import { createTable, relationOf, tempTable } from './column-writer.js';
import { embeddedDuckDB } from './duckdb.js';
import { quoteIdent, quoteQualified, tempName } from './identifiers.js';
import { neededColumns, type RemoteTable } from './needed-columns.js';
import { previewLimits } from './preview-limit.js';
import { planPushdown, type PushdownTable } from './pushdown.js';
import type { TableReference } from './sql-text.js';

/** What the remote sources are sent for a query, and the statements DuckDB then runs. */
export interface RemoteWork {
  /** Per connection, the SQL sent to it (or, for sources without a dialect, a description of the copy). */
  sent: { connection: string; sql: string }[];
  /** The statements to run in DuckDB (rewritten where an aggregate was pushed to its source). */
  statements?: string[];
  /** The temporary tables holding pushed aggregates, which those statements read: the caller drops them after. */
  temporary: string[];
}

/** Drops the tables holding pushed aggregates once the statements reading them have run. */
export async function dropPushedAggregates(connection: DuckDBConnection, work: RemoteWork): Promise<void> {
  for (const table of work.temporary) await connection.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
}

/**
 * Loads the tables of remote connections (postgres, mysql, clickhouse) that SQL text names as NAME.schema.table
 * or NAME.table into the embedded DuckDB under the same name, fresh for each query: DuckDB cannot reach them
 * itself. Given the statements that will run, only the columns they read are loaded (see neededColumns), only
 * the first rows for a preview (`SELECT * FROM t LIMIT 10`, see previewLimits), and for sources with a dialect
 * (ClickHouse) only the rows the query's filters keep, a GROUP BY subquery over one such table running on the
 * source (see planPushdown). `dryRun` works out what would be sent without sending it (%%sql --explain).
 */
export async function loadConnectionTables(session: Session, refs: TableReference[], statements?: string[], options: { dryRun?: boolean } = {}): Promise<RemoteWork> {
  const remote: (PushdownTable & { connector: Connector; source: string; sourceColumns: SourceColumn[] })[] = [];
  const seen = new Set<string>();
  for (const ref of refs) {
    const stream = ref.parts.length === 1 ? findConnection(session, ref.parts[0]) : undefined;
    if (isStreamConnector(stream) && !seen.has(stream.name)) {
      // A stream's messages are topped up from the broker, then NAME is rebuilt if new ones came.
      seen.add(stream.name);
      await stream.copyInto(stream.target, { table: stream.name });
      continue;
    }
    if (ref.parts.length < 2 || ref.parts.length > 3) continue;
    const connector = findConnection(session, ref.parts[0]);
    if (!connector || !isRemote(connector)) continue;
    const schema = ref.parts.length === 3 ? ref.parts[1] : 'main';
    const table = ref.parts.at(-1)!;
    const key = JSON.stringify([connector.name, schema.toLowerCase(), table.toLowerCase()]);
    if (seen.has(key)) continue;
    seen.add(key);
    const source = ref.source.slice(1).join('.');
    const columns = statements ? await connector.columns(source) : [];
    remote.push({ connector, source, target: { catalog: connector.name, schema, table }, columns, sourceColumns: columns, dialect: connector.dialect?.(source) });
  }
  const work: RemoteWork = { sent: [], statements, temporary: [] };
  if (remote.length === 0) return work;
  const { connection } = await embeddedDuckDB(session);
  for (const { target } of remote) await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quoteQualified(target.catalog, target.schema)}`);
  const needed = statements ? await neededColumns(connection, remote, statements) : new Map<RemoteTable, string[]>();
  const limits = statements ? await previewLimits(connection, remote, statements) : new Map<RemoteTable, number>();
  // A statement the planner does not understand keeps every row on the copy: slower, never wrong.
  const plan = statements ? await planPushdown(connection, remote, statements).catch(() => undefined) : undefined;
  work.statements = plan?.statements ?? statements;
  const aggregated = new Set(plan?.aggregates.map((a) => a.table));
  for (const table of remote) {
    if (aggregated.has(table)) continue;
    const names = needed.get(table);
    // The columns were read from the source above; passing them on saves the copy asking again. None read (a
    // missing table, on MySQL) leaves the copy to ask, and to say what is wrong.
    const columns = table.sourceColumns.length ? table.sourceColumns.filter((c) => !names || names.includes(c.name)) : undefined;
    const copy = { columns, limit: limits.get(table), where: plan?.filters.get(table) };
    const source = { table: table.source };
    work.sent.push({ connection: table.connector.name, sql: table.connector.copySql?.(source, copy) ?? describeCopy(table.source, copy) });
    if (!options.dryRun) await table.connector.copyInto(table.target, source, copy);
  }
  for (const aggregate of plan?.aggregates ?? []) {
    const connector = (aggregate.table as (typeof remote)[number]).connector;
    work.sent.push({ connection: connector.name, sql: aggregate.sql });
    work.temporary.push(relationOf(tempTable(aggregate.into)));
    if (options.dryRun) {
      await connection.run(`${createTable(tempTable(aggregate.into))} (${aggregate.columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ')})`);
      continue;
    }
    const loaded = tempTable(tempName('pushed'));
    await connector.copyInto(loaded, { sql: aggregate.sql });
    // The types DuckDB itself would have given the aggregate, so the statement sees what it would without pushdown.
    const typed = aggregate.columns.map((c) => `CAST(${quoteIdent(c.name)} AS ${c.type}) AS ${quoteIdent(c.name)}`).join(', ');
    await connection.run(`${createTable(tempTable(aggregate.into))} AS SELECT ${typed} FROM ${relationOf(loaded)}; DROP TABLE ${relationOf(loaded)}`);
  }
  return work;
}

const describeCopy = (table: string, copy: { columns?: SourceColumn[]; limit?: number }) =>
  `copy of ${table} (${copy.columns ? copy.columns.map((c) => c.name).join(', ') : 'all columns'})${copy.limit === undefined ? '' : `, first ${copy.limit} rows`}`;
