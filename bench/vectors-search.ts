// Top-10 nearest neighbours of 128-dimensional vectors, three ways in one run: exact in DuckDB
// (ORDER BY array_cosine_distance LIMIT 10, what %%sql does), the HNSW index (%index / search(), its graphs
// built in parallel), and the reference: a plain JS loop over Float32Arrays. Also recall@10 of the index against
// the exact answer, on random (Gaussian) and clustered vectors, and the index build time. BENCH_QUICK=1: 20k vectors.
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Session } from '../src/session/session.js';
import { embeddedDuckDB } from '../src/sql/duckdb.js';
import { buildIndex, exactSearch, search } from '../src/vectors/index.js';
import { bruteForceTopK, createVectorTables, readVectors, recallOf, vectorQueries } from '../test/helpers/vectors.js';

const QUICK = process.env.BENCH_QUICK === '1';
const N = QUICK ? 20_000 : 100_000;
const DIM = 128;
const QUERIES = QUICK ? 10 : 20;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const session = new Session(mkdtempSync(join(tmpdir(), 'dk-bench-vectors-')));
try {
  const { connection } = await embeddedDuckDB(session);
  const tables = await createVectorTables(connection, 'docs_', { rows: N, dimensions: DIM, clusters: 100, seed: 0.3 });
  for (const table of [tables.random, tables.clustered]) {
    const { ids, vectors } = await readVectors(connection, table);
    const queries = vectorQueries(vectors, QUERIES);
    const started = performance.now();
    const info = await buildIndex(`${table}.embedding`, { session });
    const buildSeconds = (performance.now() - started) / 1000;
    const time = async (fn: (q: Float32Array) => Promise<number[]> | number[]) => {
      const ms: number[] = [];
      const answers: number[][] = [];
      for (const q of queries) {
        const t = performance.now();
        answers.push(await fn(q));
        ms.push(performance.now() - t);
      }
      return { ms: median(ms), answers };
    };
    const js = await time((q) => bruteForceTopK(vectors, ids, q, 10));
    const exact = await time(async (q) => (await exactSearch(`${table}.embedding`, q, { session, k: 10 })).column('id').then((found) => found.map(Number)));
    const indexed = await time(async (q) => (await search(info.name, q, { session, k: 10 })).column('id').then((found) => found.map(Number)));
    const label = `${N.toLocaleString('en-US')} x ${DIM} ${table.replace('docs_', '')}, load ${loadavg()[0].toFixed(1)}`;
    console.log(`vectors top-10 exact DuckDB (${label}): ${exact.ms.toFixed(1)} ms (${(exact.ms / js.ms).toFixed(2)}x vs plain JS loop ${js.ms.toFixed(1)} ms)`);
    console.log(`vectors top-10 HNSW (${label}): ${indexed.ms.toFixed(2)} ms (${(indexed.ms / js.ms).toFixed(3)}x vs plain JS loop ${js.ms.toFixed(1)} ms)`);
    console.log(`vectors recall@10 HNSW vs exact (${label}): ${recallOf(indexed.answers, exact.answers).toFixed(3)} (target >= 0.95); build ${buildSeconds.toFixed(1)} s, ${info.shards?.length} graphs`);
  }
} finally {
  await session.close();
}
