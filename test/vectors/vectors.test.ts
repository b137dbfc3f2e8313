import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src/session/session.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import type { QueryResult } from '../../src/sql/result.js';
import { buildIndex, exactSearch, loadIndex, search } from '../../src/vectors/index.js';
import { TestMagicContext } from '../helpers/magic-context.js';
import { bruteForceTopK, createVectorTables, readVectors, recallOf, vectorQueries } from '../helpers/vectors.js';

// 100k x 128 is recall-100k.test.ts and bench/vectors-search.ts.
const N = 10_000;
const DIM = 128;

describe('vector search: exact in DuckDB, approximate through HNSW', () => {
  const ctx = new TestMagicContext();
  const session = ctx.session;
  const data: Record<string, { vectors: Float32Array[]; ids: number[]; langs: string[] }> = {};
  const queries: number[][] = [];
  const ids = async (result: QueryResult, column = 'id') => (await result.column(column)).map(Number);

  beforeAll(async () => {
    const { connection } = await embeddedDuckDB(session);
    const tables = await createVectorTables(connection, 'vec_', { rows: N, dimensions: DIM, clusters: 50, seed: 0.7 });
    for (const table of [tables.random, tables.clustered]) data[table] = await readVectors(connection, table);
    queries.push(...vectorQueries(data.vec_clustered.vectors, 20).map((q) => Array.from(q)));
  });
  afterAll(() => session.close());

  it('exact top-k in DuckDB equals a brute-force loop, with and without a filter', async () => {
    const { vectors, ids: keys, langs } = data.vec_random;
    for (const query of queries.slice(0, 5)) {
      expect(await ids(await exactSearch('vec_random.embedding', query, { session, k: 10 }))).toEqual(bruteForceTopK(vectors, keys, query, 10));
      expect(await ids(await exactSearch('vec_random.embedding', query, { session, k: 10, filter: "lang = 'en'" }))).toEqual(bruteForceTopK(vectors, keys, query, 10, (i) => langs[i] === 'en'));
    }
    // The same through %%sql, as the docs show it.
    ctx.setVariable('q', queries[0]);
    const viaSql = (await ctx.magic('sql', `SELECT id FROM vec_random ORDER BY array_cosine_distance(embedding, $q::FLOAT[${DIM}]) LIMIT 10`)) as QueryResult;
    expect(await ids(viaSql)).toEqual(bruteForceTopK(vectors, keys, queries[0], 10));
  });

  for (const table of ['vec_random', 'vec_clustered']) {
    it(`the HNSW index finds >= 95% of the true top-10 on ${N.toLocaleString('en-US')} x ${DIM} ${table.slice(4)} vectors, filters inside the search`, async () => {
      const info = await buildIndex(`${table}.embedding`, { session, metric: 'cosine' });
      expect(info).toMatchObject({ name: `${table}_embedding`, key: 'id', count: N, dimensions: DIM });
      const { vectors, ids: keys, langs } = data[table];
      const truth = queries.map((q) => bruteForceTopK(vectors, keys, q, 10));
      const found = await Promise.all(queries.map(async (q) => ids(await search(info.name, q, { session, k: 10 }))));
      expect(recallOf(found, truth)).toBeGreaterThanOrEqual(0.95);

      const filteredTruth = queries.map((q) => bruteForceTopK(vectors, keys, q, 10, (i) => langs[i] === 'en'));
      const filtered = await Promise.all(queries.map(async (q) => ids(await search(info.name, q, { session, k: 10, filter: "lang = 'en'" }))));
      expect(filtered.flat().every((id) => id % 3 === 0)).toBe(true);
      expect(filtered.every((f) => f.length === 10)).toBe(true);
      expect(recallOf(filtered, filteredTruth)).toBeGreaterThanOrEqual(0.95);
      const byFunction = await ids(await search(info.name, queries[3], { session, k: 10, filter: (id) => Number(id) % 3 === 0 }));
      expect(byFunction.every((id) => id % 3 === 0)).toBe(true);
    });
  }

  it('an index built as two graphs in two threads, with other queries running, finds as much, and filters across both', async () => {
    // Other queries on the session's connection while the vectors are read (a streamed read ended early on them).
    let done = false;
    const meanwhile = (async () => {
      while (!done) await ctx.magic('sql', 'SELECT 1 AS x');
    })();
    const info = await buildIndex('vec_random.embedding', { session, name: 'two_graphs', threads: 2 }).finally(() => (done = true));
    await meanwhile;
    expect(info.shards?.map((s) => [s.first, s.count])).toEqual([[0, N / 2], [N / 2, N / 2]]);
    const { vectors, ids: keys, langs } = data.vec_random;
    const truth = queries.map((q) => bruteForceTopK(vectors, keys, q, 10));
    const found = await Promise.all(queries.map(async (q) => ids(await search('two_graphs', q, { session, k: 10 }))));
    expect(recallOf(found, truth)).toBeGreaterThanOrEqual(0.95);
    const filtered = await Promise.all(queries.map(async (q) => ids(await search('two_graphs', q, { session, k: 10, filter: "lang = 'en'" }))));
    expect(filtered.flat().every((id) => id % 3 === 0)).toBe(true);
    expect(recallOf(filtered, queries.map((q) => bruteForceTopK(vectors, keys, q, 10, (i) => langs[i] === 'en')))).toBeGreaterThanOrEqual(0.95);
    // Only five points pass, all in the first graph: the second has none to give.
    const few = await ids(await search('two_graphs', queries[2], { session, k: 10, filter: (id) => Number(id) < 5 }));
    expect(few).toEqual(bruteForceTopK(vectors, keys, queries[2], 10, (i) => keys[i] < 5));
  });

  it('is saved beside the catalog: another session loads it and answers the same', async () => {
    const before = await ids(await search('vec_clustered_embedding', queries[1], { session, k: 5 }));
    const other = new Session(session.projectDir);
    try {
      const index = await loadIndex('vec_clustered_embedding', other);
      expect(index.info.count).toBe(N);
      expect(await ids(await search(index, queries[1], { session: other, k: 5 }))).toEqual(before);
    } finally {
      await other.close();
    }
  });

  it('%index search gives a table %%sql joins back to its source', async () => {
    ctx.setVariable('q', queries[2]);
    await ctx.magic('index', `search vec_clustered_embedding --vector q --k 5 --where "lang = 'en'" -o hits`);
    const joined = (await ctx.magic('sql', 'SELECT v.id, v.lang, h.rank FROM vec_clustered v JOIN hits h USING (id) ORDER BY h.rank')) as QueryResult;
    const rows = await joined.toArray();
    expect(rows.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(rows.every((r) => r.lang === 'en')).toBe(true);
    await expect(ctx.magic('index', 'search vec_clustered_embedding --vector [1,2,3]')).rejects.toThrow(/has 3 values; the index holds 128-dimensional/);
    await expect(ctx.magic('index', 'search nope --vector q')).rejects.toThrow(/No vector index named nope/);
    await expect(ctx.magic('index', 'build vec_random.lang')).rejects.toThrow(/is VARCHAR, not a fixed-size FLOAT\[n\] array/);
    await expect(search('vec_clustered_embedding', queries[2], { session, filter: 'no_such_column = 1' })).rejects.toThrow(/The filter does not run/);
  });
});
