// Top-10 nearest neighbours of 128-dimensional vectors, three ways in one run: exact in DuckDB
// (ORDER BY array_cosine_distance LIMIT 10, what %%sql does), the HNSW index (%index / search()), and the
// reference: a plain JS loop over Float32Arrays. Also recall@10 of the index against the exact answer, on random
// (Gaussian) and clustered vectors, and the index build time. BENCH_QUICK=1: 20k vectors.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Session } from '../src/session/session.js';
import { embeddedDuckDB } from '../src/sql/duckdb.js';
import { buildIndex, exactSearch, search } from '../src/vectors/index.js';

const QUICK = process.env.BENCH_QUICK === '1';
const N = QUICK ? 20_000 : 100_000;
const DIM = 128;
const QUERIES = QUICK ? 10 : 20;
const GAUSS = `sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function bruteForce(vectors: Float32Array[], query: Float32Array, k: number): number[] {
  let qn = 0;
  for (let j = 0; j < DIM; j++) qn += query[j] * query[j];
  const best: [number, number][] = [];
  for (let i = 0; i < vectors.length; i++) {
    const v = vectors[i];
    let dot = 0;
    let vn = 0;
    for (let j = 0; j < DIM; j++) {
      dot += v[j] * query[j];
      vn += v[j] * v[j];
    }
    const d = 1 - dot / Math.sqrt(qn * vn);
    if (best.length < k || d < best[best.length - 1][0]) {
      best.push([d, i]);
      best.sort((a, b) => a[0] - b[0]);
      if (best.length > k) best.pop();
    }
  }
  return best.map(([, i]) => i);
}

const session = new Session(mkdtempSync(join(tmpdir(), 'dk-bench-vectors-')));
try {
  const { connection } = await embeddedDuckDB(session);
  await connection.run(`SELECT setseed(0.3);
    CREATE TABLE random_docs AS SELECT i AS id, list_transform(range(${DIM}), x -> ${GAUSS})::FLOAT[${DIM}] AS embedding FROM range(${N}) t(i);
    CREATE TABLE centers AS SELECT c, list_transform(range(${DIM}), x -> ${GAUSS}) AS v FROM range(100) t(c);
    CREATE TABLE clustered_docs AS SELECT i AS id, list_transform(range(${DIM}), x -> v[x + 1] + 0.35 * ${GAUSS})::FLOAT[${DIM}] AS embedding
      FROM range(${N}) t(i) JOIN centers ON c = i % 100 ORDER BY i;`);
  for (const table of ['random_docs', 'clustered_docs']) {
    const rows = (await connection.runAndReadAll(`SELECT embedding FROM ${table} ORDER BY id`)).getRowsJS();
    const vectors = rows.map(([v]) => Float32Array.from(v as number[]));
    const queries = Array.from({ length: QUERIES }, (_, q) => Float32Array.from(vectors[(q * 7919) % N], (x, j) => x + 0.3 * Math.sin(q * 31 + j)));
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
    const js = await time((q) => bruteForce(vectors, q, 10));
    const exact = await time(async (q) => (await exactSearch(`${table}.embedding`, q, { session, k: 10 })).column('id').then((ids) => ids.map(Number)));
    const indexed = await time(async (q) => (await search(info.name, q, { session, k: 10 })).column('id').then((ids) => ids.map(Number)));
    const recall = indexed.answers.reduce((hits, found, q) => hits + found.filter((id) => exact.answers[q].includes(id)).length, 0) / (10 * QUERIES);
    const label = `${N.toLocaleString('en-US')} x ${DIM} ${table.replace('_docs', '')}, measured under load`;
    console.log(`vectors top-10 exact DuckDB (${label}): ${exact.ms.toFixed(1)} ms (${(exact.ms / js.ms).toFixed(2)}x vs plain JS loop ${js.ms.toFixed(1)} ms)`);
    console.log(`vectors top-10 HNSW (${label}): ${indexed.ms.toFixed(2)} ms (${(indexed.ms / js.ms).toFixed(3)}x vs plain JS loop ${js.ms.toFixed(1)} ms)`);
    console.log(`vectors recall@10 HNSW vs exact (${label}): ${recall.toFixed(3)} (target >= 0.95); build ${buildSeconds.toFixed(1)} s`);
  }
} finally {
  await session.close();
}
