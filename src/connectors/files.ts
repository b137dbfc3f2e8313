import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataKernelError } from '../errors.js';
import type { Session } from '../session/session.js';
import { createTable, relationOf, type TableRef } from '../sql/column-writer.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { quoteIdent, quoteLiteral } from '../sql/identifiers.js';
import { runSql } from '../sql/query.js';
import type { Connector } from './connector.js';
import { embeddedColumns } from './embedded-tables.js';
import { refuseTakenName } from './taken-name.js';

type FileFormat = 'parquet' | 'csv' | 'json';

const FORMATS: Record<string, FileFormat> = {
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.json': 'json',
  '.ndjson': 'json',
  '.jsonl': 'json',
};

/** The file format a path names by its extension (a trailing .gz/.zst is ignored). */
export function fileFormat(path: string): FileFormat | undefined {
  return FORMATS[extname(path.replace(/\.(gz|zst)$/i, '')).toLowerCase()];
}

const isGlob = (path: string) => /[*?[]/.test(path);

/** Finds the format of a folder's data files, looking a few levels deep (hive partitions nest folders). */
function folderFormat(dir: string, depth = 4): FileFormat | undefined {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && fileFormat(entry.name)) return fileFormat(entry.name);
  }
  if (depth === 0) return undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      const found = folderFormat(join(dir, entry.name), depth - 1);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * The DuckDB table function call that reads a file, glob or folder (folders read every data file below them,
 * with hive partition columns like year=2024/).
 */
export function fileReader(path: string, cwd: string): string {
  const local = path.startsWith('file://') ? fileURLToPath(path) : path;
  const full = isAbsolute(local) ? local : resolve(cwd, local);
  let pattern = full;
  let format = fileFormat(full);
  let hive = false;
  if (!isGlob(full)) {
    if (!existsSync(full)) throw new DataKernelError(`File not found: ${path}`, `Check the path (relative paths start at ${cwd}).`);
    if (statSync(full).isDirectory()) {
      format = folderFormat(full);
      if (!format) throw new DataKernelError(`No Parquet, CSV or JSON files in folder ${path}`, 'Point at a folder of .parquet/.csv/.json files or at one file.');
      pattern = join(full, '**', `*${Object.entries(FORMATS).find(([, f]) => f === format)![0]}`);
      hive = true;
    }
  } else hive = pattern.includes('**');
  if (!format) throw new DataKernelError(`Unknown file type: ${path}`, 'Use a .parquet, .csv, .tsv, .json, .ndjson or .jsonl file (or a glob/folder of them).');
  const options = hive ? ', hive_partitioning = true' : '';
  if (format === 'parquet') return `read_parquet(${quoteLiteral(pattern)}${options}, union_by_name = true)`;
  if (format === 'csv') return `read_csv(${quoteLiteral(pattern)}${options}, union_by_name = true)`;
  return `read_json_auto(${quoteLiteral(pattern)}${options}, union_by_name = true)`;
}

/** `%connect NAME path/glob/folder`: a view NAME over the files in the embedded DuckDB. */
export async function connectFiles(session: Session, name: string, path: string, cwd: string): Promise<Connector> {
  const reader = fileReader(path, cwd);
  await refuseTakenName(session, name, `a view over ${path}`);
  const { connection } = await embeddedDuckDB(session);
  const view = quoteIdent(name);
  try {
    await connection.run(`CREATE OR REPLACE VIEW ${view} AS SELECT * FROM ${reader}`);
  } catch (error) {
    throw new DataKernelError(`Cannot read ${path}: ${(error as Error).message.split('\n')[0]}`, 'Check that the files exist and are valid Parquet/CSV/JSON.', { cause: error });
  }
  return {
    kind: 'files',
    name,
    displayUri: path,
    tables: async () => [{ schema: 'main', name, kind: 'view' }],
    columns: async () => embeddedColumns(session, view),
    query: async (sql, params) => runSql(session, sql, params),
    copyInto: async (target: TableRef) => {
      await connection.run(`${createTable(target)} AS SELECT * FROM ${view}`);
      const count = await connection.runAndReadAll(`SELECT count(*) FROM ${relationOf(target)}`);
      return Number(count.getRows()[0][0]);
    },
    close: async () => {
      await connection.run(`DROP VIEW IF EXISTS ${view}`);
    },
  };
}
