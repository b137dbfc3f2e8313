import { DataKernelError } from '../errors.js';
import { currentSession, type Session } from '../session/session.js';
import { tempTable, writeColumns } from '../sql/column-writer.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { quoteIdent, tempName } from '../sql/identifiers.js';
import { runSql } from '../sql/query.js';
import { resolveRelation } from '../sql/relation.js';
import type { VariableScope } from '../sql/register-value.js';
import { QueryResult } from '../sql/result.js';
import { loadIndex, splitTarget, type LoadedShard, type VectorIndex, type VectorMetric } from './vector-index.js';

export interface SearchOptions {
  session?: Session;
  variables?: VariableScope;
  cwd?: string;
  /** Neighbours returned. @default 10 */
  k?: number;
  /** Search beam width in each graph: higher finds more of the true neighbours, slower. @default max(DEFAULT_EF, k) */
  ef?: number;
  /**
   * Only points passing this are considered, checked inside the graph walk (hnswlib's filter), not after: a SQL
   * condition on the indexed source's columns (`"lang = 'en' AND year >= 2020"`), or a function of the key.
   */
  filter?: string | ((key: string | number) => boolean);
}

/** The search width per graph: on 100k x 128 random vectors (two graphs of M 16, efConstruction 200) 800 found 0.947 of the true top-10, 1200 0.970, 1600 0.993. */
export const DEFAULT_EF = 1600;

function checkVector(vector: ArrayLike<number>, dimensions: number): number[] {
  const values = Array.from(vector ?? [], Number);
  if (values.length !== dimensions || !values.every(Number.isFinite)) {
    throw new DataKernelError(`The query vector has ${values.length} values${values.every(Number.isFinite) ? '' : ' (not all numbers)'}; the index holds ${dimensions}-dimensional vectors`, `Pass ${dimensions} numbers.`);
  }
  return values;
}

/** Which labels pass a SQL condition: the keys the source's rows matching it have, as a bitmap over labels. */
async function allowedLabels(session: Session, index: VectorIndex, condition: string, options: SearchOptions): Promise<Uint8Array> {
  const { info, keys } = index;
  const relation = await resolveRelation(session, info.source, options.variables, options.cwd);
  const { connection } = await embeddedDuckDB(session);
  const sql =
    info.key === null
      ? `SELECT __dk_n FROM (SELECT *, row_number() OVER () - 1 AS __dk_n FROM ${relation} WHERE ${quoteIdent(info.column)} IS NOT NULL) WHERE (${condition})`
      : `SELECT ${quoteIdent(info.key)} FROM ${relation} WHERE ${quoteIdent(info.column)} IS NOT NULL AND (${condition})`;
  let rows;
  try {
    rows = (await connection.runAndReadAll(sql)).getRows();
  } catch (error) {
    throw new DataKernelError(`The filter does not run on ${info.source}: ${(error as Error).message.split('\n')[0]}`, 'Write a SQL condition on its columns, e.g. "lang = \'en\'".');
  }
  const allowed = new Uint8Array(keys.length);
  if (info.key === null) for (const [n] of rows) allowed[Number(n)] = 1;
  else {
    const labels = labelsByKey(index);
    for (const [key] of rows) {
      const label = labels.get(typeof key === 'bigint' ? Number(key) : (key as string | number));
      if (label !== undefined) allowed[label] = 1;
    }
  }
  return allowed;
}

const keyLabels = new WeakMap<VectorIndex, Map<string | number, number>>();
function labelsByKey(index: VectorIndex): Map<string | number, number> {
  let map = keyLabels.get(index);
  if (!map) keyLabels.set(index, (map = new Map(index.keys.map((k, i) => [k, i]))));
  return map;
}

/** The rows of a result table: key (named as the index's key column, else "row"), distance, rank. */
async function resultTable(session: Session, keyName: string, keys: (string | number)[], distances: number[]): Promise<QueryResult> {
  // One appender at a time on the session's connection: searches run concurrently (Promise.all) would interleave.
  const lock = session.service('vectors.result-writes', () => ({ tail: Promise.resolve() as Promise<unknown> }));
  const written = lock.tail.then(() => writeResult(session, keyName, keys, distances));
  lock.tail = written.catch(() => {});
  return written;
}

async function writeResult(session: Session, keyName: string, keys: (string | number)[], distances: number[]): Promise<QueryResult> {
  const { connection } = await embeddedDuckDB(session);
  const ref = tempTable(tempName('search'));
  const keyType = keys.every((k) => typeof k === 'number') ? (keys.every(Number.isInteger) ? 'BIGINT' : 'DOUBLE') : 'VARCHAR';
  await writeColumns(connection, ref, [
    { name: keyName, sqlType: keyType, values: keyType === 'VARCHAR' ? keys.map(String) : keys },
    { name: 'distance', sqlType: 'DOUBLE', values: distances },
    { name: 'rank', sqlType: 'INTEGER', values: keys.map((_, i) => i + 1) },
  ]);
  return QueryResult.fromTable(session, ref);
}

/**
 * The k nearest neighbours of `vector` in a saved index (by name or loaded), nearest first, as a query result:
 * a DuckDB table that %%sql can join back to the source (`-o hits`, then `JOIN hits USING (id)`).
 */
export async function search(index: string | VectorIndex, vector: ArrayLike<number>, options: SearchOptions = {}): Promise<QueryResult> {
  const session = options.session ?? currentSession();
  const loaded = typeof index === 'string' ? await loadIndex(index, session) : index;
  const query = checkVector(vector, loaded.info.dimensions);
  const k = options.k ?? 10;
  if (!Number.isInteger(k) || k < 1) throw new DataKernelError(`k must be a whole number >= 1, got ${k}`, 'e.g. { k: 10 }');
  let filter: ((label: number) => boolean) | undefined;
  let candidates = loaded.keys.length;
  if (typeof options.filter === 'string') {
    const allowed = await allowedLabels(session, loaded, options.filter, options);
    candidates = allowed.reduce((a, b) => a + b, 0);
    filter = (label) => allowed[label] === 1;
  } else if (typeof options.filter === 'function') {
    const test = options.filter;
    filter = (label) => test(loaded.keys[label]);
  }
  const keyName = loaded.info.key ?? 'row';
  const wanted = Math.min(k, candidates);
  if (wanted === 0) return resultTable(session, keyName, [], []);
  const ef = Math.max(options.ef ?? DEFAULT_EF, wanted);
  const found = loaded.shards.flatMap((shard) => nearestInShard(shard, query, wanted, ef, filter));
  found.sort((a, b) => a.distance - b.distance);
  const nearest = found.slice(0, wanted);
  return resultTable(session, keyName, nearest.map((n) => loaded.keys[n.label]), nearest.map((n) => n.distance));
}

/** The `wanted` nearest points of one graph passing `filter` (fewer when fewer pass). */
function nearestInShard(shard: LoadedShard, query: number[], wanted: number, ef: number, filter: ((label: number) => boolean) | undefined) {
  shard.graph.setEf(ef);
  let found;
  try {
    found = shard.graph.searchKnn(query, Math.min(wanted, shard.count), filter);
  } catch (error) {
    // Fewer of this graph's points pass the filter than asked for: hnswlib cannot fill the slots. Ask for what passes.
    if (!filter) throw error;
    let passing = 0;
    for (let label = shard.first; label < shard.first + shard.count && passing < wanted; label++) if (filter(label)) passing++;
    if (passing === 0) return [];
    found = shard.graph.searchKnn(query, passing, filter);
  }
  return found.neighbors.map((label, i) => ({ label, distance: found.distances[i] }));
}

const DISTANCE_SQL: Record<VectorMetric, string> = { cosine: 'array_cosine_distance', l2: 'array_distance', ip: 'array_negative_inner_product' };

/**
 * Exact top-k in DuckDB: every row of `target` (SOURCE.COLUMN, a FLOAT[n] column) with its distance to
 * `vector`, nearest first; what `ORDER BY array_cosine_distance(col, $q::FLOAT[n]) LIMIT k` in %%sql gives.
 */
export async function exactSearch(target: string, vector: ArrayLike<number>, options: Omit<SearchOptions, 'ef'> & { metric?: VectorMetric } = {}): Promise<QueryResult> {
  const session = options.session ?? currentSession();
  const { source, column } = splitTarget(target);
  const relation = await resolveRelation(session, source, options.variables, options.cwd);
  const { connection } = await embeddedDuckDB(session);
  const type = (await connection.runAndReadAll(`SELECT typeof(${quoteIdent(column)}) FROM ${relation} LIMIT 1`)).getRows()[0]?.[0];
  const dims = /\[(\d+)\]$/.exec(String(type ?? ''));
  if (!dims) throw new DataKernelError(`${target} is not a FLOAT[n] column`, 'Exact search works on fixed-size arrays: CAST(col AS FLOAT[n]).');
  const query = checkVector(vector, Number(dims[1]));
  if (typeof options.filter === 'function') throw new DataKernelError('exactSearch takes a SQL filter', 'Pass filter as a SQL condition on the source columns.');
  const where = typeof options.filter === 'string' ? `WHERE (${options.filter})` : '';
  const distance = `${DISTANCE_SQL[options.metric ?? 'cosine']}(${quoteIdent(column)}, $q::FLOAT[${dims[1]}])`;
  return runSql(session, `SELECT * EXCLUDE (${quoteIdent(column)}), ${distance} AS distance FROM ${relation} ${where} ORDER BY distance LIMIT ${Math.trunc(options.k ?? 10)}`, { q: query });
}
