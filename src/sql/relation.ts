import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileFormat, fileReader } from '../connectors/files.js';
import { findConnection, listConnections } from '../connectors/registry.js';
import { DataKernelError } from '../errors.js';
import type { Session } from '../session/session.js';
import { loadConnectionTables } from './connection-tables.js';
import { embeddedDuckDB } from './duckdb.js';
import { quoteQualified } from './identifiers.js';
import { isTableLike, registerValue, type VariableScope } from './register-value.js';
import { tableReferences } from './sql-text.js';

async function relationExists(session: Session, relation: string): Promise<boolean> {
  const { connection } = await embeddedDuckDB(session);
  try {
    await connection.prepare(`SELECT * FROM ${relation} LIMIT 0`);
    return true;
  } catch {
    return false;
  }
}

/**
 * The SQL relation expression (usable after FROM) for what a magic's `--data SOURCE` names: a kernel variable
 * (records, apache-arrow Table, danfo DataFrame, QueryResult, frame), a table or view of the embedded DuckDB, a
 * connection table NAME.schema.table, or a file path/glob (.parquet/.csv/.json).
 */
export async function resolveRelation(session: Session, source: string, variables?: VariableScope, cwd = session.projectDir): Promise<string> {
  const name = source.trim();
  if (variables?.has(name) && isTableLike(variables.get(name))) return registerValue(session, name, variables.get(name));
  const path = isAbsolute(name) ? name : resolve(cwd, name);
  if (fileFormat(name) || /[*?[]/.test(name) || (name.includes('/') && existsSync(path))) return fileReader(name, cwd);
  const ref = tableReferences(`SELECT * FROM ${name}`)[0];
  if (ref && ref.parts.join('.').length > 0) {
    if (ref.parts.length >= 2 && findConnection(session, ref.parts[0])) await loadConnectionTables(session, [ref]);
    const relation = quoteQualified(...ref.parts);
    if (await relationExists(session, relation)) return relation;
  }
  const connections = listConnections(session).map((c) => c.name);
  throw new DataKernelError(
    `Unknown data source: ${name}`,
    `Name a variable holding rows, a DuckDB table, a connection table (${connections.length ? connections.map((c) => `${c}.schema.table`).join(', ') : 'NAME.schema.table after %connect'}) or a .parquet/.csv/.json path.`,
  );
}
