import type { DuckDBConnection } from '@duckdb/node-api';
import type { Session } from '../session/session.js';
import { tempTable, writeColumns, type ColumnData } from './column-writer.js';
import { embeddedDuckDB } from './duckdb.js';
import { quoteIdent } from './identifiers.js';
import { paramValue } from './param-value.js';
import { QueryResult } from './result.js';

/** Where SQL finds kernel variables by name (a MagicContext fits: `{ has: ctx.hasVariable, get: ctx.getVariable }`). */
export interface VariableScope {
  has(name: string): boolean;
  get(name: string): unknown;
}

/** A value that is already SQL over the embedded DuckDB (the DuckDB-backed frame), with its bound parameters. */
export interface SqlBacked {
  toSQL(): string;
  sqlParams?(): Record<string, unknown>;
}

type Any = Record<string, any>;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && [Object.prototype, null].includes(Object.getPrototypeOf(v));
const isArrowTable = (v: unknown): v is Any => !!v && typeof v === 'object' && !!(v as Any).schema?.fields && typeof (v as Any).numRows === 'number' && typeof (v as Any).getChildAt === 'function';
const isDanfo = (v: unknown): v is Any => !!v && typeof v === 'object' && Array.isArray((v as Any).columns) && Array.isArray((v as Any).shape) && Array.isArray((v as Any).dtypes);
const isSqlBacked = (v: unknown): v is SqlBacked => !!v && typeof v === 'object' && typeof (v as Any).toSQL === 'function';

/** True for values SQL can read as a table: arrays of records, apache-arrow Tables, danfo DataFrames, query results, frames. */
export function isTableLike(value: unknown): boolean {
  return (
    value instanceof QueryResult || isSqlBacked(value) || isArrowTable(value) || isDanfo(value) || (Array.isArray(value) && value.length > 0 && value.every(isRecord))
  );
}

const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));

/** The DuckDB type that holds every value of a JS column, and the values converted to fit it. */
function inferColumn(name: string, values: unknown[]): ColumnData {
  const kinds = new Set(values.filter((v) => v !== null && v !== undefined).map((v) => (v instanceof Date ? 'date' : Array.isArray(v) ? 'object' : typeof v)));
  const only = kinds.size === 1 ? [...kinds][0] : kinds.size === 0 ? 'string' : 'mixed';
  if (only === 'number') {
    const integral = values.every((v) => v === null || v === undefined || Number.isSafeInteger(v));
    return { name, sqlType: integral ? 'BIGINT' : 'DOUBLE', values };
  }
  if (only === 'bigint') return { name, sqlType: 'HUGEINT', values };
  if (only === 'boolean') return { name, sqlType: 'BOOLEAN', values };
  if (only === 'date') return { name, sqlType: 'TIMESTAMP', values };
  if (only === 'string') return { name, sqlType: 'VARCHAR', values };
  if (only === 'object') return { name, sqlType: 'JSON', values: values.map((v) => (v === null || v === undefined ? null : json(v))) };
  return { name, sqlType: 'VARCHAR', values: values.map((v) => (v === null || v === undefined ? null : typeof v === 'object' && !(v instanceof Date) ? json(v) : v instanceof Date ? v.toISOString() : String(v))) };
}

function recordColumns(records: Record<string, unknown>[]): ColumnData[] {
  const names = new Set<string>();
  for (const record of records) for (const key of Object.keys(record)) names.add(key);
  return [...names].map((name) => inferColumn(name, records.map((r) => r[name])));
}

const ARROW_TYPES: Array<[RegExp, string]> = [
  [/^Int8$/, 'TINYINT'],
  [/^Int16$/, 'SMALLINT'],
  [/^Int32$/, 'INTEGER'],
  [/^Int64$/, 'BIGINT'],
  [/^Uint8$/, 'UTINYINT'],
  [/^Uint16$/, 'USMALLINT'],
  [/^Uint32$/, 'UINTEGER'],
  [/^Uint64$/, 'UBIGINT'],
  [/^Float(16|32)$/, 'FLOAT'],
  [/^Float64$/, 'DOUBLE'],
  [/^(Large)?Utf8/, 'VARCHAR'],
  [/^Bool$/, 'BOOLEAN'],
];

function arrowColumns(table: Any): ColumnData[] {
  return (table.schema.fields as Any[]).map((field, i) => {
    const vector = table.getChildAt(i);
    const values: unknown[] = [];
    for (let row = 0; row < table.numRows; row++) {
      const v = vector.get(row);
      values.push(v !== null && typeof v === 'object' && typeof v.toJSON === 'function' && !(v instanceof Date) ? v.toJSON() : v);
    }
    const typeName = String(field.type);
    if (/^Timestamp|^Date/.test(typeName)) return { name: field.name, sqlType: 'TIMESTAMP', values: values.map((v) => (v === null ? null : new Date(Number(v)))) };
    const sqlType = ARROW_TYPES.find(([pattern]) => pattern.test(typeName))?.[1];
    return sqlType ? { name: field.name, sqlType, values } : inferColumn(field.name, values);
  });
}

const DANFO_TYPES: Record<string, string> = { int32: 'INTEGER', float32: 'DOUBLE', boolean: 'BOOLEAN', string: 'VARCHAR' };

function danfoColumns(frame: Any): ColumnData[] {
  return (frame.columns as string[]).map((name, i) => {
    const values = [...(frame.column(name).values as unknown[])];
    const sqlType = DANFO_TYPES[frame.dtypes[i] as string];
    return sqlType ? { name, sqlType, values: values.map((v) => (v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? null : v)) } : inferColumn(name, values);
  });
}

/** Registered variables, by name, with the value they were registered from (so a changed value is reloaded). */
const registered = (session: Session) => session.service('sql.variables', () => new Map<string, unknown>());

async function existsInDuckDB(session: Session, name: string): Promise<boolean> {
  const { connection } = await embeddedDuckDB(session);
  const reader = await connection.runAndReadAll(
    `SELECT 1 FROM duckdb_tables() WHERE lower(table_name) = lower($name) AND schema_name = 'main' AND database_name IN ('memory', 'temp')
     UNION ALL SELECT 1 FROM duckdb_views() WHERE lower(view_name) = lower($name) AND NOT internal AND schema_name = 'main' AND database_name IN ('memory', 'temp')`,
    { name },
  );
  return reader.currentRowCount > 0;
}

/** Drops the temp table or view `name`; DuckDB refuses DROP VIEW on a table (and the reverse), even with IF EXISTS. */
async function dropTemp(connection: DuckDBConnection, name: string): Promise<void> {
  const reader = await connection.runAndReadAll(
    `SELECT 'TABLE' FROM duckdb_tables() WHERE database_name = 'temp' AND schema_name = 'main' AND table_name = $name
     UNION ALL SELECT 'VIEW' FROM duckdb_views() WHERE database_name = 'temp' AND schema_name = 'main' AND view_name = $name`,
    { name },
  );
  for (const [kind] of reader.getRows()) await connection.run(`DROP ${kind === 'VIEW' ? 'VIEW' : 'TABLE'} temp.main.${quoteIdent(name)}`);
}

/**
 * Makes the JS value `value` queryable as `name` in the embedded DuckDB (a temp table, or a view for results
 * and frames that already live there). Returns the quoted relation.
 */
export async function registerValue(session: Session, name: string, value: unknown): Promise<string> {
  const { connection } = await embeddedDuckDB(session);
  const relation = quoteIdent(name);
  const known = registered(session);
  // Results and frames never change, so one registration lasts; arrays and danfo frames can change in place.
  if (known.get(name) === value && (value instanceof QueryResult || isSqlBacked(value))) return relation;
  await dropTemp(connection, name);
  if (value instanceof QueryResult) await connection.run(`CREATE TEMP VIEW ${relation} AS SELECT * FROM ${value.relation}`);
  else if (isSqlBacked(value)) {
    const params = value.sqlParams?.() ?? {};
    // A view cannot hold bound parameters, so a parameterised frame is registered as a snapshot table.
    if (Object.keys(params).length === 0) await connection.run(`CREATE TEMP VIEW ${relation} AS ${value.toSQL()}`);
    else {
      const bound = Object.fromEntries(await Promise.all(Object.entries(params).map(async ([k, v]) => [k, await paramValue(k, v)] as const)));
      await connection.run(`CREATE TEMP TABLE ${relation} AS ${value.toSQL()}`, bound);
    }
  }
  else if (isArrowTable(value)) await writeColumns(connection, tempTable(name), arrowColumns(value));
  else if (isDanfo(value)) await writeColumns(connection, tempTable(name), danfoColumns(value));
  else if (Array.isArray(value)) await writeColumns(connection, tempTable(name), recordColumns(value as Record<string, unknown>[]));
  else throw new TypeError(`${name} is not a table-like value`);
  known.set(name, value);
  return relation;
}

/**
 * Registers each kernel variable that SQL names as a table and that is table-like, unless a table or view
 * of that name that we did not make exists in DuckDB (the user's own table wins).
 */
export async function registerVariables(session: Session, names: string[], variables: VariableScope): Promise<void> {
  const known = registered(session);
  for (const name of new Set(names)) {
    if (!variables.has(name)) continue;
    const value = variables.get(name);
    if (!isTableLike(value)) continue;
    if (!known.has(name) && (await existsInDuckDB(session, name))) continue;
    await registerValue(session, name, value);
  }
}
