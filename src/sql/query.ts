import type { DuckDBConnection, DuckDBPreparedStatement, DuckDBValue } from '@duckdb/node-api';
import { DataKernelError } from '../errors.js';
import type { Session } from '../session/session.js';
import { tempTable, writeColumns } from './column-writer.js';
import { dropPushedAggregates, loadConnectionTables } from './connection-tables.js';
import { embeddedDuckDB } from './duckdb.js';
import { quoteQualified, tempName } from './identifiers.js';
import { registerVariables, type VariableScope } from './register-value.js';
import { QueryResult } from './result.js';
import { paramValue } from './param-value.js';
import { hasParameters, splitStatements, tableReferences } from './sql-text.js';
import { sqlError } from './sql-error.js';
import { typeName } from './type-name.js';

/** Values for `$name` (by name) or `$1`, `?` (by position) parameters. */
export type SqlParams = Record<string, unknown> | readonly unknown[];

export interface RunSqlOptions {
  /** Kernel variables: `$name` falls back to them, and table-like ones are queryable by name. */
  variables?: VariableScope;
}

async function bindParams(prepared: DuckDBPreparedStatement, params: SqlParams | undefined, variables: VariableScope | undefined): Promise<void> {
  const count = prepared.parameterCount;
  if (count === 0) return;
  const values: DuckDBValue[] = [];
  for (let i = 1; i <= count; i++) {
    const name = prepared.parameterName(i);
    let value: unknown;
    if (Array.isArray(params) && /^\d+$/.test(name)) {
      if (Number(name) > params.length) throw new DataKernelError(`No value for parameter $${name}`, `Pass ${name} or more params.`);
      value = params[Number(name) - 1];
    } else if (params && !Array.isArray(params) && Object.hasOwn(params, name)) value = (params as Record<string, unknown>)[name];
    else if (variables?.has(name)) value = variables.get(name);
    else if (/^\d+$/.test(name)) throw new DataKernelError(`No value for $${name}`, 'Pass the values of $1, $2... as an array of params.');
    else throw new DataKernelError(`No value for $${name}`, `Define a variable ${name} (e.g. const ${name} = ...) or pass it in params; $name binds a value, never SQL text.`);
    values.push(await paramValue(name, value));
  }
  prepared.bind(values);
}

async function prepare(connection: DuckDBConnection, sql: string, where: { statement: number; statements: number; prefix?: string }) {
  try {
    return await connection.prepare(sql);
  } catch (error) {
    throw sqlError(error, where);
  }
}

// Errors raised while planning: the statement is not a query (a parser error, for CREATE TABLE AS), or the
// query is wrong, and preparing it alone gives DuckDB's message about the text the user wrote.
const PLANNING_ERROR = /^(Parser|Binder|Catalog) Error/;

/**
 * Runs the last statement with its rows going into a temp table: CREATE TEMP TABLE AS when DuckDB takes it (a
 * query: one planning, rows never leave DuckDB), else the statement itself (SHOW, PRAGMA, INSERT...) with its
 * few rows written back. A statement without parameters takes one round trip to DuckDB: no separate prepare,
 * and the row count, column types and first rows are read in the same call.
 */
async function runLast(session: Session, connection: DuckDBConnection, statement: string, bind: (p: DuckDBPreparedStatement) => Promise<void>, where: { statement: number; statements: number }): Promise<QueryResult> {
  session.throwIfInterrupted();
  const table = tempTable(tempName('result'));
  const prefix = `CREATE TEMP TABLE ${quoteQualified(table.table)} AS `;
  if (!hasParameters(statement)) {
    try {
      // The newline ends a trailing line comment of the statement.
      return QueryResult.fromHead(session, table, await connection.runAndReadAll(`${prefix}${statement}\n;${QueryResult.headQuery(session, table)}`));
    } catch (error) {
      if (!PLANNING_ERROR.test(error instanceof Error ? error.message : String(error))) throw sqlError(error, { ...where, prefix });
    }
  }
  let ctas: DuckDBPreparedStatement | undefined;
  try {
    ctas = await connection.prepare(prefix + statement);
  } catch {
    // Not a query, or a wrong one: preparing the statement alone below gives DuckDB's error for the user's text.
  }
  if (ctas) {
    await bind(ctas);
    try {
      await ctas.run();
    } catch (error) {
      throw sqlError(error, { ...where, prefix });
    }
    return QueryResult.fromTable(session, table);
  }
  const prepared = await prepare(connection, statement, where);
  await bind(prepared);
  let reader;
  try {
    reader = await prepared.runAndReadAll();
  } catch (error) {
    throw sqlError(error, where);
  }
  const types = reader.columnTypes().map(String);
  const values = reader.getColumnsJS();
  const names = reader.deduplicatedColumnNames();
  await writeColumns(connection, table, names.map((name, i) => ({ name, sqlType: types[i], values: values[i] ?? [] })));
  return QueryResult.fromTable(session, table);
}

/**
 * Splits the SQL, makes what it names queryable (table-like variables, then connection tables) and runs `use`
 * on the statements as DuckDB must run them; the tables of aggregates pushed to a source go after.
 */
async function withSources<T>(session: Session, sql: string, options: RunSqlOptions, use: (connection: DuckDBConnection, statements: string[]) => Promise<T>): Promise<T> {
  const statements = splitStatements(sql);
  if (statements.length === 0) throw new DataKernelError('No SQL to run', 'Write a statement, e.g. SELECT 42 AS answer.');
  const { connection } = await embeddedDuckDB(session);
  const refs = tableReferences(sql);
  // Variables first: working out which columns of connection tables a query reads plans it, and needs them.
  if (options.variables) await registerVariables(session, refs.filter((r) => r.parts.length === 1).map((r) => r.parts[0]), options.variables);
  // The statements as DuckDB runs them: rewritten where an aggregate was pushed to its source.
  const work = await loadConnectionTables(session, refs, statements);
  try {
    return await use(connection, work.statements ?? statements);
  } finally {
    await dropPushedAggregates(connection, work);
  }
}

/** The first rows of a query and how many rows it has in all, read in one round trip without keeping them. */
export interface QueryPreview {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  totalRows: number;
}

export interface PreviewOptions extends RunSqlOptions {
  /**
   * The query's rows are few and each costs much (an aggregate: one row per group of the whole input): run it
   * once and read the rows and the count from what it made, instead of running it for each.
   */
  fewRows?: boolean;
}

/**
 * Reads the first `limit` rows of one query and its row count, and keeps nothing: what showing a lazy frame
 * costs. DuckDB stops the row scan at the limit; the count reads only the columns the query's filters need.
 */
export async function previewSql(session: Session, query: string, params: SqlParams | undefined, limit: number, options: PreviewOptions = {}): Promise<QueryPreview> {
  return withSources(session, query, options, (connection, statements) => {
    session.throwIfInterrupted();
    return previewStatements(connection, statements, params, limit, options);
  });
}

async function previewStatements(connection: DuckDBConnection, statements: string[], params: SqlParams | undefined, limit: number, options: PreviewOptions): Promise<QueryPreview> {
  if (statements.length !== 1) throw new DataKernelError('A preview takes one query', 'Run the other statements first with runSql.');
  const shown = Math.max(0, Math.trunc(limit));
  // At least one row is read, as the count rides on every row. NOT MATERIALIZED: DuckDB would otherwise keep
  // the whole query's rows to read them twice, where the count needs only the columns its filters read. A
  // query of few rows is kept instead: an aggregate run twice costs twice, and keeping its rows costs nothing.
  const prefix = `WITH _preview AS ${options.fewRows ? '' : 'NOT '}MATERIALIZED (`;
  const sql = `${prefix}${statements[0]}\n) SELECT (SELECT count(*) FROM _preview) AS "__dk_rows", * FROM _preview LIMIT ${Math.max(1, shown)}`;
  const prepared = await prepare(connection, sql, { statement: 0, statements: 1, prefix });
  await bindParams(prepared, params, options.variables);
  let reader;
  try {
    reader = await prepared.runAndReadAll();
  } catch (error) {
    throw sqlError(error, { statement: 0, statements: 1, prefix });
  }
  const rows = reader.getRowsJS() as unknown[][];
  const columns = reader.columnNames().slice(1).map((name, i) => ({ name, type: typeName(reader.columnType(i + 1)) }));
  return { columns, rows: rows.slice(0, shown).map((row) => row.slice(1)), totalRows: Number(rows[0]?.[0] ?? 0) };
}

/**
 * Runs SQL (one or more statements) on the session's embedded DuckDB and returns the last statement's result.
 * `$name` parameters are bound from `params`, then from `options.variables` (never spliced into the text);
 * connection tables (NAME.schema.table) and table-like variables named in FROM/JOIN are loaded first.
 */
export async function runSql(session: Session, sql: string, params?: SqlParams, options: RunSqlOptions = {}): Promise<QueryResult> {
  return withSources(session, sql, options, (connection, run) => runStatements(session, connection, run, params, options));
}

async function runStatements(session: Session, connection: DuckDBConnection, run: string[], params: SqlParams | undefined, options: RunSqlOptions): Promise<QueryResult> {
  const bind = (p: DuckDBPreparedStatement) => bindParams(p, params, options.variables);
  for (let i = 0; i < run.length - 1; i++) {
    session.throwIfInterrupted();
    const where = { statement: i, statements: run.length };
    const prepared = await prepare(connection, run[i], where);
    await bind(prepared);
    try {
      await prepared.run();
    } catch (error) {
      throw sqlError(error, where);
    }
  }
  return runLast(session, connection, run.at(-1)!, bind, { statement: run.length - 1, statements: run.length });
}
