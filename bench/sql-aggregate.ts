// (a) A %%sql aggregate over a 10M-row Parquet file through the engine (cell → magic → runSql → QueryResult →
// display bundle) against the same query in a plain @duckdb/node-api script, both in this process, alternating.
// Target: overhead <= 5%. The Parquet is generated once into bench/data/ (gitignored). BENCH_QUICK=1: 1M rows.
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import { Engine } from '../src/engine/engine.js';
import { Session } from '../src/session/session.js';
import { runSql } from '../src/sql/query.js';

const QUICK = process.env.BENCH_QUICK === '1';
const ROWS = QUICK ? 1_000_000 : 10_000_000;
const RUNS = QUICK ? 3 : 100;
const file = resolve('bench/data', `sql-aggregate-${ROWS}.parquet`);
const QUERY = `SELECT k, count(*) AS n, avg(v) AS mean_v, sum(w) AS total_w FROM '${file}' GROUP BY k ORDER BY k`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function ensureData(): Promise<void> {
  if (existsSync(file)) return;
  mkdirSync(resolve('bench/data'), { recursive: true });
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(
    `COPY (SELECT range % 1000 AS k, random() AS v, (range * 7) % 1013 AS w, 'label-' || (range % 97) AS s FROM range(${ROWS})) TO '${file}' (FORMAT parquet)`,
  );
  connection.closeSync();
  instance.closeSync();
}

await ensureData();
const quiet = { stream() {}, display() {}, clearOutput() {}, input: async () => '' };
const engine = new Engine({ session: new Session(mkdtempSync(join(tmpdir(), 'dk-bench-sql-'))) });
const instance = await DuckDBInstance.create(':memory:');
const plain = await instance.connect();

const ours: number[] = [];
const library: number[] = [];
const reference: number[] = [];
let count = 0;
const timed = async (into: number[], warm: boolean, fn: () => Promise<unknown>) => {
  const start = performance.now();
  await fn();
  if (!warm) into.push(performance.now() - start);
};
const contenders: [number[], () => Promise<unknown>][] = [
  [
    ours,
    async () => {
      const outcome = await engine.execute({ code: `%%sql\n${QUERY}`, executionCount: ++count }, quiet);
      if (outcome.status !== 'ok') throw new Error(JSON.stringify(outcome.error));
    },
  ],
  [
    reference,
    async () => {
      if ((await plain.runAndReadAll(QUERY)).getRowObjectsJS().length !== 1000) throw new Error('reference returned wrong rows');
    },
  ],
  [library, async () => (await runSql(engine.session, QUERY)).toArray()],
];
// One warm-up round (file cache, DuckDB start), then the three take turns, each round starting with the next
// one, so that machine load and whatever one leaves behind for the next hit them all alike.
for (let i = 0; i <= RUNS; i++) {
  for (let j = 0; j < contenders.length; j++) {
    const [into, fn] = contenders[(i + j) % contenders.length];
    await timed(into, i === 0, fn);
  }
}
const b = median(reference);
// The ratio is the median of each round's ratio to the reference in the same round: rounds run back to back,
// so a slow spell of the machine hits both sides of a ratio alike.
const report = (name: string, times: number[]) => {
  const ratio = median(times.map((t, i) => t / reference[i]));
  console.log(`${name}: ${median(times).toFixed(1)} ms (${ratio.toFixed(3)}x vs plain @duckdb/node-api ${b.toFixed(1)} ms, median of per-round ratios; overhead ${((ratio - 1) * 100).toFixed(1)}%, target <= 5%)`);
};
report(`sql-aggregate-${ROWS / 1e6}M-parquet %%sql cell`, ours);
report(`sql-aggregate-${ROWS / 1e6}M-parquet runSql+toArray`, library);
plain.closeSync();
instance.closeSync();
await engine.shutdown();
