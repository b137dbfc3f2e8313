import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import { buildIndex, search } from '../../src/vectors/index.js';
import { TestMagicContext } from '../helpers/magic-context.js';
import { bruteForceTopK, createVectorTables, readVectors, recallOf, vectorQueries } from '../helpers/vectors.js';

// The size: recall@10 of the HNSW index with its default parameters (M 16, efConstruction 200, graphs
// built in parallel, search width 1600) against a brute-force loop, on 100k x 128 random and clustered vectors.
// Each build takes minutes on a loaded 2-core machine.
const N = 100_000;
const DIM = 128;
const BUILD_MS = 15 * 60_000;

describe(`HNSW recall@10 on ${N.toLocaleString('en-US')} x ${DIM} vectors`, () => {
  const ctx = new TestMagicContext();
  const session = ctx.session;
  let tables: { random: string; clustered: string };

  beforeAll(async () => {
    tables = await createVectorTables((await embeddedDuckDB(session)).connection, 'big_', { rows: N, dimensions: DIM, clusters: 100, seed: 0.5 });
  }, 120_000);
  afterAll(() => session.close());

  for (const kind of ['random', 'clustered'] as const) {
    it(`finds >= 95% of the true top-10 on ${kind} vectors, with and without a filter`, async () => {
      const table = tables[kind];
      const { vectors, ids, langs } = await readVectors((await embeddedDuckDB(session)).connection, table);
      const started = Date.now();
      const info = await buildIndex(`${table}.embedding`, { session });
      console.log(`${kind}: built ${N} x ${DIM} in ${((Date.now() - started) / 1000).toFixed(1)} s as ${info.shards?.length} graphs`);
      const queries = vectorQueries(vectors, 20);
      const found = await Promise.all(queries.map(async (q) => (await (await search(info.name, q, { session, k: 10 })).column('id')).map(Number)));
      const recall = recallOf(found, queries.map((q) => bruteForceTopK(vectors, ids, q, 10)));
      const filtered = await Promise.all(queries.map(async (q) => (await (await search(info.name, q, { session, k: 10, filter: "lang = 'en'" })).column('id')).map(Number)));
      const filteredRecall = recallOf(filtered, queries.map((q) => bruteForceTopK(vectors, ids, q, 10, (i) => langs[i] === 'en')));
      console.log(`${kind}: recall@10 ${recall.toFixed(3)}, with lang = 'en' ${filteredRecall.toFixed(3)}`);
      expect(recall).toBeGreaterThanOrEqual(0.95);
      expect(filtered.flat().every((id) => id % 3 === 0)).toBe(true);
      expect(filteredRecall).toBeGreaterThanOrEqual(0.95);
    }, BUILD_MS);
  }
});
