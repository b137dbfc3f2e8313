import { findConnection } from '../connectors/registry.js';
import type { Session } from '../session/session.js';
import { embeddedDuckDB } from './duckdb.js';
import { quoteQualified } from './identifiers.js';
import type { TableReference } from './sql-text.js';

/**
 * Loads the tables of remote connections (postgres, mysql) that SQL text names as NAME.schema.table or
 * NAME.table into the embedded DuckDB under the same name, fresh for each query: DuckDB cannot reach them itself.
 */
export async function loadConnectionTables(session: Session, refs: TableReference[]): Promise<void> {
  const loaded = new Set<string>();
  for (const ref of refs) {
    if (ref.parts.length < 2 || ref.parts.length > 3) continue;
    const connector = findConnection(session, ref.parts[0]);
    if (!connector || (connector.kind !== 'postgres' && connector.kind !== 'mysql')) continue;
    const schema = ref.parts.length === 3 ? ref.parts[1] : 'main';
    const table = ref.parts.at(-1)!;
    const key = JSON.stringify([connector.name, schema.toLowerCase(), table.toLowerCase()]);
    if (loaded.has(key)) continue;
    loaded.add(key);
    const { connection } = await embeddedDuckDB(session);
    await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quoteQualified(connector.name, schema)}`);
    await connector.copyInto({ catalog: connector.name, schema, table }, { table: ref.source.slice(1).join('.') });
  }
}
