import { isRemote, type Connector, type SourceColumn } from '../connectors/connector.js';
import { findConnection } from '../connectors/registry.js';
import { isStreamConnector } from '../connectors/stream.js';
import type { Session } from '../session/session.js';
import type { TableRef } from './column-writer.js';
import { embeddedDuckDB } from './duckdb.js';
import { quoteQualified } from './identifiers.js';
import { neededColumns, type RemoteTable } from './needed-columns.js';
import { previewLimits } from './preview-limit.js';
import type { TableReference } from './sql-text.js';

/**
 * Loads the tables of remote connections (postgres, mysql) that SQL text names as NAME.schema.table or
 * NAME.table into the embedded DuckDB under the same name, fresh for each query: DuckDB cannot reach them itself.
 * Given the statements that will run, only the columns they read are loaded (see neededColumns), and only the
 * first rows for a preview (`SELECT * FROM t LIMIT 10`, see previewLimits).
 */
export async function loadConnectionTables(session: Session, refs: TableReference[], statements?: string[]): Promise<void> {
  const remote: { connector: Connector; source: string; target: TableRef; columns: SourceColumn[] }[] = [];
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
    remote.push({ connector, source, target: { catalog: connector.name, schema, table }, columns: statements ? await connector.columns(source) : [] });
  }
  if (remote.length === 0) return;
  const { connection } = await embeddedDuckDB(session);
  for (const { target } of remote) await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quoteQualified(target.catalog, target.schema)}`);
  const needed = statements ? await neededColumns(connection, remote, statements) : new Map<RemoteTable, string[]>();
  const limits = statements ? await previewLimits(connection, remote, statements) : new Map<RemoteTable, number>();
  for (const table of remote) {
    const names = needed.get(table);
    // The columns were read from the source above; passing them on saves the copy asking again. None read (a
    // missing table, on MySQL) leaves the copy to ask, and to say what is wrong.
    const columns = table.columns.length ? table.columns.filter((c) => !names || names.includes(c.name)) : undefined;
    await table.connector.copyInto(table.target, { table: table.source }, { columns, limit: limits.get(table) });
  }
}
