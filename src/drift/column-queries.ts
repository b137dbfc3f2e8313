import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { quoteIdent } from '../sql/identifiers.js';

/** The empirical distributions of one numeric column in both samples, summarised in DuckDB. */
export interface NumericSummary {
  /** Non-null finite values in the reference and current samples. */
  m: number;
  n: number;
  /** The KS statistic times m n: max over values of |F_ref m n - F_cur m n|, an integer. */
  ksScaled: number;
  /** The Wasserstein-1 distance between the two empirical distributions. */
  wasserstein: number;
  referenceStd: number;
  referenceUnique: number;
  combinedUnique: number;
  min: number;
  max: number;
}

/** Counts of one column per category (or bin) in both samples. */
export interface Counts {
  labels: string[];
  reference: number[];
  current: number[];
}

async function rows(connection: DuckDBConnection, sql: string, params?: DuckDBValue[]): Promise<Record<string, unknown>[]> {
  return (await connection.runAndReadAll(sql, params)).getRowObjectsJS() as Record<string, unknown>[];
}

/** Both samples' values of `column` as one relation (v, src): src 0 is the reference, 1 the current. */
function unionOf(reference: string, current: string, column: string, type: 'DOUBLE' | 'VARCHAR'): string {
  const c = quoteIdent(column);
  const valid = type === 'DOUBLE' ? `${c} IS NOT NULL AND isfinite(CAST(${c} AS DOUBLE))` : `${c} IS NOT NULL`;
  return `(SELECT CAST(${c} AS ${type}) AS v, 0 AS src FROM ${reference} WHERE ${valid}
    UNION ALL SELECT CAST(${c} AS ${type}) AS v, 1 AS src FROM ${current} WHERE ${valid})`;
}

/**
 * One pass over both samples: the ECDFs on the union of distinct values give the KS statistic and the
 * Wasserstein distance (the area between the ECDFs), without moving the values out of DuckDB.
 */
export async function numericSummary(connection: DuckDBConnection, reference: string, current: string, column: string): Promise<NumericSummary> {
  const [row] = await rows(
    connection,
    `WITH u AS ${unionOf(reference, current, column, 'DOUBLE')},
      t AS (SELECT count(*) FILTER (WHERE src = 0) AS m, count(*) FILTER (WHERE src = 1) AS n,
                   stddev_pop(v) FILTER (WHERE src = 0) AS sd, count(DISTINCT v) FILTER (WHERE src = 0) AS ru FROM u),
      g AS (SELECT v, count(*) FILTER (WHERE src = 0) AS r, count(*) FILTER (WHERE src = 1) AS c FROM u GROUP BY v),
      e AS (SELECT v, sum(r) OVER w AS cr, sum(c) OVER w AS cc, lead(v) OVER w AS nv FROM g WINDOW w AS (ORDER BY v))
    SELECT CAST(t.m AS DOUBLE) AS m, CAST(t.n AS DOUBLE) AS n, CAST(t.sd AS DOUBLE) AS sd, CAST(t.ru AS DOUBLE) AS ru,
      CAST(max(abs(e.cr * t.n - e.cc * t.m)) AS DOUBLE) AS h,
      sum(abs(e.cr / nullif(t.m, 0) - e.cc / nullif(t.n, 0)) * (e.nv - e.v)) AS wd,
      CAST(count(e.v) AS DOUBLE) AS cu, min(e.v) AS lo, max(e.v) AS hi
    FROM t LEFT JOIN e ON true GROUP BY ALL`,
  );
  const num = (key: string) => (row[key] === null || row[key] === undefined ? 0 : Number(row[key]));
  return {
    m: num('m'),
    n: num('n'),
    ksScaled: num('h'),
    wasserstein: num('wd'),
    referenceStd: num('sd'),
    referenceUnique: num('ru'),
    combinedUnique: num('cu'),
    min: num('lo'),
    max: num('hi'),
  };
}

/** Counts per distinct value (as text), most frequent first. */
export async function categoryCounts(connection: DuckDBConnection, reference: string, current: string, column: string, numeric: boolean): Promise<Counts> {
  const result = await rows(
    connection,
    `SELECT CAST(v AS VARCHAR) AS label, CAST(count(*) FILTER (WHERE src = 0) AS DOUBLE) AS r, CAST(count(*) FILTER (WHERE src = 1) AS DOUBLE) AS c
     FROM ${unionOf(reference, current, column, numeric ? 'DOUBLE' : 'VARCHAR')} GROUP BY v ORDER BY ${numeric ? 'v' : 'r + c DESC, label'}`,
  );
  return { labels: result.map((r) => String(r.label)), reference: result.map((r) => Number(r.r)), current: result.map((r) => Number(r.c)) };
}

const short = (x: number) => Number(x.toPrecision(3)).toString();

/**
 * Counts in `bins` equal-width bins spanning both samples (numpy.histogram's rule: half-open bins, the last
 * one closed).
 */
export async function histogramCounts(connection: DuckDBConnection, reference: string, current: string, column: string, summary: NumericSummary, bins: number): Promise<Counts> {
  const { min, max } = summary;
  const result = await rows(
    connection,
    `SELECT least(CAST(floor((v - $1) * $2) AS BIGINT), $3) AS bin,
       CAST(count(*) FILTER (WHERE src = 0) AS DOUBLE) AS r, CAST(count(*) FILTER (WHERE src = 1) AS DOUBLE) AS c
     FROM ${unionOf(reference, current, column, 'DOUBLE')} GROUP BY bin`,
    [min, bins / (max - min), bins - 1],
  );
  const counts: Counts = { labels: [], reference: new Array(bins).fill(0), current: new Array(bins).fill(0) };
  const width = (max - min) / bins;
  for (let i = 0; i < bins; i++) counts.labels.push(`${short(min + i * width)}–${short(i === bins - 1 ? max : min + (i + 1) * width)}`);
  for (const r of result) {
    counts.reference[Number(r.bin)] = Number(r.r);
    counts.current[Number(r.bin)] = Number(r.c);
  }
  return counts;
}
