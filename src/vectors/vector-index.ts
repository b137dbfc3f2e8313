import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { HierarchicalNSW } from 'hnswlib-node';
import { Progress } from '../display/progress.js';
import { DataKernelError } from '../errors.js';
import { currentSession, type Session } from '../session/session.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { quoteIdent } from '../sql/identifiers.js';
import { resolveRelation } from '../sql/relation.js';
import type { VariableScope } from '../sql/register-value.js';
import { buildShards, type ShardInfo } from './shard-build.js';
import { makeDirectory } from '../fs/make-directory.js';

/** Distance of an index: cosine (1 - cosine similarity), l2 (squared Euclidean), ip (1 - inner product). */
export type VectorMetric = 'cosine' | 'l2' | 'ip';

export const VECTOR_METRICS: readonly VectorMetric[] = ['cosine', 'l2', 'ip'];

/** What an index records about itself (meta.json beside the graph). */
export interface VectorIndexInfo {
  name: string;
  source: string;
  column: string;
  /** The column whose values search results return (and SQL filters join on); null: the row number. */
  key: string | null;
  metric: VectorMetric;
  dimensions: number;
  count: number;
  m: number;
  efConstruction: number;
  /** The graphs, each over a slice of the points (built in parallel); absent in indexes saved before: one hnsw.bin. */
  shards?: ShardInfo[];
  builtAt: string;
}

export interface BuildIndexOptions {
  session?: Session;
  variables?: VariableScope;
  cwd?: string;
  /** @default `${table}_${column}` */
  name?: string;
  /** @default "cosine" */
  metric?: VectorMetric;
  /** @default the column "id" when the source has one, else the row number */
  key?: string;
  /** HNSW links per node. @default 16 */
  m?: number;
  /** HNSW build beam width. @default 200 */
  efConstruction?: number;
  /** Graphs built at once, one thread each, every one over a slice of the points. @default one per core, at most one per 10,000 vectors */
  threads?: number;
}

/** One graph of a loaded index, holding the points labelled first .. first + count - 1. */
export interface LoadedShard {
  graph: HierarchicalNSW;
  first: number;
  count: number;
}

/** An HNSW index over one FLOAT[n] column, loaded, with the keys of its points (label i is keys[i]). */
export interface VectorIndex {
  info: VectorIndexInfo;
  shards: LoadedShard[];
  keys: (string | number)[];
  dir: string;
}

/** Where indexes live: beside the catalog, one folder each. */
const indexesDir = (session: Session) => join(session.stateDir, 'indexes');

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `table.column` (the source may itself hold dots: a path or a connection table) split at its last dot. */
export function splitTarget(target: string): { source: string; column: string } {
  const at = target.lastIndexOf('.');
  if (at <= 0 || at === target.length - 1) throw new DataKernelError(`Cannot read "${target}" as SOURCE.COLUMN`, 'e.g. %index build docs.embedding (table docs, FLOAT[n] column embedding)');
  return { source: target.slice(0, at), column: target.slice(at + 1) };
}

const loadedIndexes = (session: Session) => session.service('vectors.indexes', () => new Map<string, VectorIndex>());

// Below this many points per graph, another build thread costs more than it saves.
const MIN_SHARD_POINTS = 10_000;

/**
 * Builds an HNSW index (hnswlib) over the vectors of `column` in any source (table, file, connection table,
 * variable), streamed out of DuckDB in chunks, and saves it in .datakernel/indexes/NAME (written to a temp
 * folder, then renamed: a build that fails leaves the previous index whole).
 */
export async function buildIndex(target: string, options: BuildIndexOptions = {}): Promise<VectorIndexInfo> {
  const session = options.session ?? currentSession();
  const { source, column } = splitTarget(target);
  const name = options.name ?? `${source.split(/[/.]/).at(-1)!.replace(/\W/g, '_')}_${column}`;
  if (!NAME.test(name)) throw new DataKernelError(`An index name is letters, digits and _, got "${name}"`, 'Pass --name NAME.');
  const metric = options.metric ?? 'cosine';
  if (!VECTOR_METRICS.includes(metric)) throw new DataKernelError(`Unknown metric ${metric}`, `Use ${VECTOR_METRICS.join(', ')}.`);
  const relation = await resolveRelation(session, source, options.variables, options.cwd);
  const { connection } = await embeddedDuckDB(session);
  const columns = new Map((await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`)).getRowObjects().map((r) => [String(r.column_name), String(r.column_type)]));
  const type = columns.get(column);
  const dims = /^(?:FLOAT|DOUBLE)\[(\d+)\]$/.exec(type ?? '');
  if (!type) throw new DataKernelError(`${source} has no column ${column}`, `Its columns are ${[...columns.keys()].join(', ')}.`);
  if (!dims) throw new DataKernelError(`${source}.${column} is ${type}, not a fixed-size FLOAT[n] array`, `Cast it: SELECT ${column}::FLOAT[n] AS ${column} ... (every vector the same length n).`);
  const key = options.key ?? (columns.has('id') ? 'id' : null);
  if (key !== null && !columns.has(key)) throw new DataKernelError(`${source} has no key column ${key}`, `Its columns are ${[...columns.keys()].join(', ')}.`);
  const dimensions = Number(dims[1]);
  const count = Number((await connection.runAndReadAll(`SELECT count(*) FROM ${relation} WHERE ${quoteIdent(column)} IS NOT NULL`)).getRows()[0][0]);
  if (count === 0) throw new DataKernelError(`${source}.${column} holds no vectors`, 'Index a source with rows.');
  const m = options.m ?? 16;
  const efConstruction = options.efConstruction ?? 200;
  const keys: (string | number)[] = [];
  const vectors = new Float32Array(new SharedArrayBuffer(count * dimensions * Float32Array.BYTES_PER_ELEMENT));
  const progress = new Progress({ label: `index ${name} (HNSW, ${metric})`, total: count, unit: 'vectors' });
  // Read whole before the loop (run, not stream): a query the session runs meanwhile on the shared connection
  // (a collected result's DROP TABLE) would end a streamed read early, leaving the rest of the points zero.
  const result = await connection.run(`SELECT ${key === null ? 'NULL' : quoteIdent(key)}, ${quoteIdent(column)} FROM ${relation} WHERE ${quoteIdent(column)} IS NOT NULL`);
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    session.throwIfInterrupted();
    const keyVector = chunk.getColumnVector(0);
    const embeddings = chunk.getColumnVector(1);
    for (let i = 0; i < chunk.rowCount; i++) {
      const label = keys.length;
      const k = keyVector.getItem(i);
      keys.push(key === null ? label : typeof k === 'bigint' ? Number(k) : (k as string | number));
      vectors.set((embeddings.getItem(i) as { items: number[] }).items, label * dimensions);
    }
  }
  if (keys.length !== count) throw new DataKernelError(`Read ${keys.length} of the ${count} vectors of ${source}.${column}`, 'Build the index again; a source that changes while it is indexed gives this.');
  const dir = join(indexesDir(session), name);
  const staging = `${dir}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  makeDirectory(staging);
  let shards: ShardInfo[];
  try {
    shards = await buildShards({
      vectors,
      dimensions,
      metric,
      m,
      efConstruction,
      shards: options.threads ?? Math.max(1, Math.min(availableParallelism(), Math.floor(count / MIN_SHARD_POINTS))),
      dir: staging,
      onProgress: (added) => progress.update(added),
      check: () => session.throwIfInterrupted(),
    });
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  const info: VectorIndexInfo = { name, source, column, key, metric, dimensions, count, m, efConstruction, shards, builtAt: new Date().toISOString() };
  writeFileSync(join(staging, 'keys.json'), JSON.stringify(keys));
  writeFileSync(join(staging, 'meta.json'), JSON.stringify(info, null, 2));
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  const index = { info, shards: await openShards(dir, info), keys, dir };
  loadedIndexes(session).set(name, index);
  progress.finish();
  return info;
}

/** The graphs of a saved index, loaded (an index saved before shards existed is one graph in hnsw.bin). */
async function openShards(dir: string, info: VectorIndexInfo): Promise<LoadedShard[]> {
  const { HierarchicalNSW } = (await import('hnswlib-node')).default;
  return Promise.all(
    (info.shards ?? [{ file: 'hnsw.bin', first: 0, count: info.count }]).map(async (shard) => {
      const graph = new HierarchicalNSW(info.metric, info.dimensions);
      await graph.readIndex(join(dir, shard.file));
      return { graph, first: shard.first, count: shard.count };
    }),
  );
}

/** Every saved index of the project. */
export function listIndexes(session: Session = currentSession()): VectorIndexInfo[] {
  const root = indexesDir(session);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'meta.json')))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(root, name, 'meta.json'), 'utf8')) as VectorIndexInfo);
}


/** The saved index NAME, loaded once per session. */
export async function loadIndex(name: string, session: Session = currentSession()): Promise<VectorIndex> {
  const cache = loadedIndexes(session);
  const cached = cache.get(name);
  if (cached) return cached;
  const dir = join(indexesDir(session), name);
  if (!existsSync(join(dir, 'meta.json'))) {
    const known = listIndexes(session).map((i) => i.name);
    throw new DataKernelError(`No vector index named ${name}`, known.length ? `Known indexes: ${known.join(', ')}.` : 'Build one with %index build TABLE.COLUMN.');
  }
  const info = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as VectorIndexInfo;
  const index = { info, shards: await openShards(dir, info), keys: JSON.parse(readFileSync(join(dir, 'keys.json'), 'utf8')) as (string | number)[], dir };
  cache.set(name, index);
  return index;
}

/** Deletes a saved index; false when there was none. */
export function dropIndex(name: string, session: Session = currentSession()): boolean {
  loadedIndexes(session).delete(name);
  const dir = join(indexesDir(session), name);
  if (!existsSync(dir)) return false;
  rmSync(dir, { recursive: true, force: true });
  return true;
}
