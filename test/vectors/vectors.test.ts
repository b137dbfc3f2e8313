import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src/session/session.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import type { QueryResult } from '../../src/sql/result.js';
import { buildIndex, exactSearch, loadIndex, search } from '../../src/vectors/index.js';
import { TestMagicContext } from '../helpers/magic-context.js';

// 100k x 128 is bench/vectors-search.ts; building that here takes minutes on a loaded CI machine.
const N = 10_000;
const DIM = 128;
const GAUSS = `sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())`;

/** Ids of the k nearest rows by cosine distance: a plain loop over every vector. */
function bruteForce(vectors: Float32Array[], ids: number[], query: number[], k: number, keep: (i: number) => boolean = () => true): number[] {
  const qn = Math.hypot(...query);
  const scored: [number, number][] = [];
  for (let i = 0; i < vectors.length; i++) {
    if (!keep(i)) continue;
    const v = vectors[i];
    let dot = 0;
    let vn = 0;
    for (let j = 0; j < DIM; j++) {
      dot += v[j] * query[j];
      vn += v[j] * v[j];
    }
    scored.push([1 - dot / (qn * Math.sqrt(vn)), ids[i]]);
  }
  return scored.sort((a, b) => a[0] - b[0]).slice(0, k).map(([, id]) => id);
}

const recall = (found: number[][], truth: number[][]) => found.reduce((hits, f, q) => hits + f.filter((id) => truth[q].includes(id)).length, 0) / truth.flat().length;

describe('vector search: exact in DuckDB, approximate through HNSW', () => {
  const ctx = new TestMagicContext();
  const session = ctx.session;
  const data: Record<string, { vectors: Float32Array[]; ids: number[]; langs: string[] }> = {};
  const queries: number[][] = [];
  const ids = async (result: QueryResult, column = 'id') => (await result.column(column)).map(Number);

  beforeAll(async () => {
    const { connection } = await embeddedDuckDB(session);
    await connection.run(`SELECT setseed(0.7);
      CREATE TABLE vec_random AS SELECT i AS id, CASE WHEN i % 3 = 0 THEN 'en' ELSE 'de' END AS lang,
        list_transform(range(${DIM}), x -> ${GAUSS})::FLOAT[${DIM}] AS embedding FROM range(${N}) t(i);
      CREATE TABLE vec_centers AS SELECT c, list_transform(range(${DIM}), x -> ${GAUSS}) AS v FROM range(50) t(c);
      CREATE TABLE vec_clustered AS SELECT i AS id, CASE WHEN i % 3 = 0 THEN 'en' ELSE 'de' END AS lang,
        list_transform(range(${DIM}), x -> v[x + 1] + 0.35 * ${GAUSS})::FLOAT[${DIM}] AS embedding
        FROM range(${N}) t(i) JOIN vec_centers ON c = i % 50;`);
    for (const table of ['vec_random', 'vec_clustered']) {
      const rows = (await connection.runAndReadAll(`SELECT id, lang, embedding FROM ${table} ORDER BY id`)).getRowObjectsJS();
      data[table] = { ids: rows.map((r) => Number(r.id)), langs: rows.map((r) => r.lang as string), vectors: rows.map((r) => Float32Array.from(r.embedding as number[])) };
    }
    // Queries near stored points (what embeddings of related text look like) and plain random ones.
    for (let q = 0; q < 20; q++) {
      const base = data.vec_clustered.vectors[(q * 997) % N];
      queries.push(Array.from(base, (x, j) => (q % 2 ? x + 0.2 * Math.sin(q * 31 + j) : Math.cos(q * 7 + j * 13))));
    }
  });
  afterAll(() => session.close());

  it('exact top-k in DuckDB equals a brute-force loop, with and without a filter', async () => {
    const { vectors, ids: keys, langs } = data.vec_random;
    for (const query of queries.slice(0, 5)) {
      expect(await ids(await exactSearch('vec_random.embedding', query, { session, k: 10 }))).toEqual(bruteForce(vectors, keys, query, 10));
      expect(await ids(await exactSearch('vec_random.embedding', query, { session, k: 10, filter: "lang = 'en'" }))).toEqual(bruteForce(vectors, keys, query, 10, (i) => langs[i] === 'en'));
    }
    // The same through %%sql, as the docs show it.
    ctx.setVariable('q', queries[0]);
    const viaSql = (await ctx.magic('sql', `SELECT id FROM vec_random ORDER BY array_cosine_distance(embedding, $q::FLOAT[${DIM}]) LIMIT 10`)) as QueryResult;
    expect(await ids(viaSql)).toEqual(bruteForce(vectors, keys, queries[0], 10));
  });

  for (const table of ['vec_random', 'vec_clustered']) {
    it(`the HNSW index finds >= 95% of the true top-10 on ${N.toLocaleString('en-US')} x ${DIM} ${table.slice(4)} vectors, filters inside the search`, async () => {
      const info = await buildIndex(`${table}.embedding`, { session, metric: 'cosine' });
      expect(info).toMatchObject({ name: `${table}_embedding`, key: 'id', count: N, dimensions: DIM });
      const { vectors, ids: keys, langs } = data[table];
      const truth = queries.map((q) => bruteForce(vectors, keys, q, 10));
      const found = await Promise.all(queries.map(async (q) => ids(await search(info.name, q, { session, k: 10 }))));
      expect(recall(found, truth)).toBeGreaterThanOrEqual(0.95);

      const filteredTruth = queries.map((q) => bruteForce(vectors, keys, q, 10, (i) => langs[i] === 'en'));
      const filtered = await Promise.all(queries.map(async (q) => ids(await search(info.name, q, { session, k: 10, filter: "lang = 'en'" }))));
      expect(filtered.flat().every((id) => id % 3 === 0)).toBe(true);
      expect(filtered.every((f) => f.length === 10)).toBe(true);
      expect(recall(filtered, filteredTruth)).toBeGreaterThanOrEqual(0.95);
      const byFunction = await ids(await search(info.name, queries[3], { session, k: 10, filter: (id) => Number(id) % 3 === 0 }));
      expect(byFunction.every((id) => id % 3 === 0)).toBe(true);
    });
  }

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
