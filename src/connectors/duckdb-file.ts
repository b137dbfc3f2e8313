import { isAbsolute, resolve } from 'node:path';
import { DataKernelError } from '../errors.js';
import type { Session } from '../session/session.js';
import { createTable, relationOf, type TableRef } from '../sql/column-writer.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { quoteIdent, quoteLiteral } from '../sql/identifiers.js';
import { runSql } from '../sql/query.js';
import type { Connector, CopySource } from './connector.js';
import { embeddedColumns, embeddedTables } from './embedded-tables.js';

/** The file path of a duckdb:// URI: duckdb:///abs/file.duckdb, duckdb://relative.duckdb, duckdb:///:memory:. */
function duckdbPath(uri: string, cwd: string): string {
  const rest = uri.replace(/^duckdb:\/\//i, '');
  const path = decodeURIComponent(rest.split('?')[0]);
  if (path === '/:memory:' || path === ':memory:' || path === '') return ':memory:';
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/** `%connect NAME duckdb:///path/file.duckdb`: the file ATTACHed as catalog NAME of the embedded DuckDB. */
export async function attachDuckDB(session: Session, name: string, uri: string, cwd: string): Promise<Connector> {
  const path = duckdbPath(uri, cwd);
  const readOnly = /[?&]read_?only=(1|true)/i.test(uri);
  const { connection } = await embeddedDuckDB(session);
  const catalog = quoteIdent(name);
  try {
    await connection.run(`ATTACH ${quoteLiteral(path)} AS ${catalog}${readOnly ? ' (READ_ONLY)' : ''}`);
  } catch (error) {
    throw new DataKernelError(`Cannot open DuckDB file ${path}: ${(error as Error).message.split('\n')[0]}`, 'Check the path; a file another process holds open cannot be attached (add ?read_only=true to share it).', { cause: error });
  }
  const qualified = (table: string) => {
    const parts = table.split('.');
    return parts.length === 1 ? `${catalog}.main.${quoteIdent(parts[0])}` : `${catalog}.${parts.map(quoteIdent).join('.')}`;
  };
  return {
    kind: 'duckdb',
    name,
    displayUri: `duckdb://${path === ':memory:' ? '/:memory:' : path}`,
    tables: () => embeddedTables(session, name),
    columns: (table) => embeddedColumns(session, qualified(table)),
    // Unqualified names in a query sent --on this connection mean the file's tables, as they would in the file itself.
    query: async (sql, params) => {
      await connection.run(`USE ${catalog}`);
      try {
        return await runSql(session, sql, params);
      } finally {
        await connection.run('USE memory');
      }
    },
    copyInto: async (target: TableRef, source: CopySource) => {
      const from = 'table' in source ? qualified(source.table) : `(${source.sql})`;
      const params = 'table' in source ? undefined : (source.params as never);
      await connection.run(`${createTable(target)} AS SELECT * FROM ${from}`, params);
      const count = await connection.runAndReadAll(`SELECT count(*) FROM ${relationOf(target)}`);
      return Number(count.getRows()[0][0]);
    },
    close: async () => {
      await connection.run(`DETACH DATABASE IF EXISTS ${catalog}`);
    },
  };
}
