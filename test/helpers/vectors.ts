import type { DuckDBConnection } from '@duckdb/node-api';

// Generated embeddings for the vector tests and bench/vectors-search.ts, and the plain JS reference they are
// checked against.

/** A standard normal draw in DuckDB SQL (Box-Muller). */
const GAUSS = 'sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())';

export interface VectorTableSpec {
  rows: number;
  dimensions: number;
  /** Clusters of the clustered table (points at 0.35 sd around Gaussian centres). */
  clusters: number;
  seed: number;
}

/**
 * Creates `random` (independent Gaussian vectors) and `clustered` tables: id, lang ('en' for every third id,
 * else 'de'), embedding FLOAT[dimensions], with `prefix` before each table name.
 */
export async function createVectorTables(connection: DuckDBConnection, prefix: string, spec: VectorTableSpec): Promise<{ random: string; clustered: string }> {
  const { rows, dimensions: d, clusters, seed } = spec;
  const lang = `CASE WHEN i % 3 = 0 THEN 'en' ELSE 'de' END AS lang`;
  await connection.run(`SELECT setseed(${seed});
    CREATE TABLE ${prefix}random AS SELECT i AS id, ${lang}, list_transform(range(${d}), x -> ${GAUSS})::FLOAT[${d}] AS embedding FROM range(${rows}) t(i);
    CREATE TEMP TABLE ${prefix}centers AS SELECT c, list_transform(range(${d}), x -> ${GAUSS}) AS v FROM range(${clusters}) t(c);
    CREATE TABLE ${prefix}clustered AS SELECT i AS id, ${lang}, list_transform(range(${d}), x -> v[x + 1] + 0.35 * ${GAUSS})::FLOAT[${d}] AS embedding
      FROM range(${rows}) t(i) JOIN ${prefix}centers ON c = i % ${clusters} ORDER BY i;`);
  return { random: `${prefix}random`, clustered: `${prefix}clustered` };
}

/** A table's vectors by id order, with ids and langs, as JS reads them. */
export async function readVectors(connection: DuckDBConnection, table: string): Promise<{ ids: number[]; langs: string[]; vectors: Float32Array[] }> {
  const rows = (await connection.runAndReadAll(`SELECT id, lang, embedding FROM ${table} ORDER BY id`)).getRowsJS();
  return { ids: rows.map(([id]) => Number(id)), langs: rows.map(([, lang]) => lang as string), vectors: rows.map(([, , v]) => Float32Array.from(v as number[])) };
}

/**
 * Ids of the k nearest vectors by cosine distance: a plain loop over every vector keeping the best k so far,
 * the reference exact and indexed search are measured against.
 */
export function bruteForceTopK(vectors: Float32Array[], ids: number[], query: ArrayLike<number>, k: number, keep: (i: number) => boolean = () => true): number[] {
  const d = query.length;
  let qn = 0;
  for (let j = 0; j < d; j++) qn += query[j] * query[j];
  const best: [number, number][] = [];
  for (let i = 0; i < vectors.length; i++) {
    if (!keep(i)) continue;
    const v = vectors[i];
    let dot = 0;
    let vn = 0;
    for (let j = 0; j < d; j++) {
      dot += v[j] * query[j];
      vn += v[j] * v[j];
    }
    const distance = 1 - dot / Math.sqrt(qn * vn);
    if (best.length < k || distance < best[best.length - 1][0]) {
      best.push([distance, ids[i]]);
      best.sort((a, b) => a[0] - b[0]);
      if (best.length > k) best.pop();
    }
  }
  return best.map(([, id]) => id);
}

/** Share of the true neighbours found, over all queries. */
export const recallOf = (found: number[][], truth: number[][]) => found.reduce((hits, f, q) => hits + f.filter((id) => truth[q].includes(id)).length, 0) / truth.flat().length;

/** Queries near stored points (x + 0.3 sin noise: what embeddings of related text look like) and random directions. */
export function vectorQueries(base: Float32Array[], count: number): Float32Array[] {
  return Array.from({ length: count }, (_, q) => {
    const near = base[(q * 7919) % base.length];
    return Float32Array.from(near, (x, j) => (q % 2 ? x + 0.3 * Math.sin(q * 31 + j) : Math.cos(q * 7 + j * 13)));
  });
}
