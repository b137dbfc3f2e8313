// ClickHouse on the two local shards (.ci/clickhouse.sh), over a Distributed table of 10M rows (BENCH_QUICK=1: 1M).
// (a) A `%%sql --on ch` aggregate cell through the engine (cell -> magic -> connector -> rows into DuckDB ->
//     QueryResult -> display bundle) against the same query through the official @clickhouse/client alone,
//     reading its 1,000 rows as JSON: alternating rounds, median of per-round ratios. Target: overhead <= 5%.
//     Then the fixed cost alone: the same shape of result from a query the server answers at once.
// (b) A DuckDB join of a GROUP BY subquery over the ClickHouse table with a local table: pushed down (the
//     aggregate runs on the shards, 1,000 rows move) against copying the whole remote table into DuckDB and
//     running the same join there.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createClient } from '@clickhouse/client';
import { connect } from '../src/connectors/index.js';
import { Engine } from '../src/engine/engine.js';
import { Session } from '../src/session/session.js';
import { runSql } from '../src/sql/query.js';
import { CH_URI, distributedTable, dropDistributed } from '../test/helpers/clickhouse.js';

const QUICK = process.env.BENCH_QUICK === '1';
const ROWS = QUICK ? 1_000_000 : 10_000_000;
const RUNS = QUICK ? 5 : 30;
const COPY_RUNS = QUICK ? 1 : 3;
const TABLE = 'dk_bench_events';
const AGGREGATE = `SELECT k, count() AS n, avg(v) AS mean_v, sum(w) AS total_w FROM default.${TABLE} GROUP BY k ORDER BY k`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

await distributedTable(TABLE, 'id UInt64, k UInt32, v Float64, w UInt32', 'id', (shard) =>
  `SELECT number * 2 + ${shard}, number % 1000, (number * 7919 % 10007) / 10007, number * 7 % 1013 FROM numbers(${ROWS / 2})`,
);
const quiet = { stream() {}, display() {}, clearOutput() {}, input: async () => '' };
const engine = new Engine({ session: new Session(mkdtempSync(join(tmpdir(), 'dk-bench-ch-'))) });
let count = 0;
const cell = async (code: string) => {
  const outcome = await engine.execute({ code, executionCount: ++count }, quiet);
  if (outcome.status !== 'ok') throw new Error(JSON.stringify(outcome.error));
};
await cell(`%connect ch ${CH_URI}`);
const client = createClient({ url: 'http://127.0.0.1:8123' });

/** Alternating rounds of a `%%sql --on ch` cell and the client alone reading the same rows as JSON: medians, and the median per-round ratio. */
async function race(sql: string, rows: number, runs: number): Promise<{ ours: number; reference: number; ratio: number; cpu: [number, number] }> {
  const ours: number[] = [];
  const reference: number[] = [];
  // CPU of this process (its DuckDB threads too) per call: what the cell adds, less disturbed by other load.
  const cpu = new Map<number[], number[]>([[ours, []], [reference, []]]);
  const contenders: [number[], () => Promise<unknown>][] = [
    [ours, () => cell(`%%sql --on ch\n${sql}`)],
    [
      reference,
      async () => {
        const got = await (await client.query({ query: sql, format: 'JSONEachRow' })).json();
        if (got.length !== rows) throw new Error('reference returned wrong rows');
      },
    ],
  ];
  for (let i = 0; i <= runs; i++) {
    for (let j = 0; j < contenders.length; j++) {
      const [into, fn] = contenders[(i + j) % contenders.length];
      const start = performance.now();
      const used = process.cpuUsage();
      await fn();
      const { user, system } = process.cpuUsage(used);
      if (i > 0) into.push(performance.now() - start);
      if (i > 0) cpu.get(into)!.push((user + system) / 1000);
    }
  }
  return { ours: median(ours), reference: median(reference), ratio: median(ours.map((t, i) => t / reference[i])), cpu: [median(cpu.get(ours)!), median(cpu.get(reference)!)] };
}

const big = await race(AGGREGATE, 1000, RUNS);
console.log(
  `sql-clickhouse-${ROWS / 1e6}M-aggregate %%sql --on ch: ${big.ours.toFixed(1)} ms (${big.ratio.toFixed(3)}x vs @clickhouse/client alone ${big.reference.toFixed(1)} ms, median of per-round ratios; overhead ${((big.ratio - 1) * 100).toFixed(1)}%, target <= 5%)`,
);
// The same 1,000-row result from a query that costs the server almost nothing: what the cell adds per query.
const small = await race('SELECT toUInt32(number % 1000) AS k, count() AS n, avg(number / 3) AS mean_v, sum(number) AS total_w FROM numbers(100000) GROUP BY k ORDER BY k', 1000, RUNS * 2);
console.log(
  `sql-clickhouse-fixed-cost %%sql --on ch, 1,000 rows from numbers(100000): ${small.ours.toFixed(1)} ms vs @clickhouse/client alone ${small.reference.toFixed(1)} ms (+${(small.ours - small.reference).toFixed(1)} ms a query: the cell, the load into DuckDB and the display; CPU of this process ${small.cpu[0].toFixed(1)} vs ${small.cpu[1].toFixed(1)} ms)`,
);

// (b) pushdown against copying the table.
const session = engine.session;
await connect(session, 'chb', CH_URI);
await runSql(session, 'CREATE OR REPLACE TABLE bench_groups AS SELECT range::UINTEGER AS k, range % 10 AS tier FROM range(1000)');
const join_ = (from: string) =>
  `SELECT g.tier, sum(t.n) AS n, sum(t.total_w) AS total_w FROM (SELECT k, count(*) AS n, sum(w) AS total_w FROM ${from} WHERE v > 0.5 GROUP BY k) t JOIN bench_groups g ON g.k = t.k GROUP BY g.tier ORDER BY g.tier`;
const pushed: number[] = [];
const copied: number[] = [];
for (let i = 0; i < COPY_RUNS; i++) {
  let start = performance.now();
  const fast = await (await runSql(session, join_(`chb.default.${TABLE}`))).toArray();
  pushed.push(performance.now() - start);
  start = performance.now();
  await runSql(session, `CREATE OR REPLACE TABLE bench_copy AS SELECT * FROM chb.default.${TABLE}`);
  const slow = await (await runSql(session, join_('bench_copy'))).toArray();
  copied.push(performance.now() - start);
  if (JSON.stringify(fast, (_k, v) => (typeof v === 'bigint' ? String(v) : v)) !== JSON.stringify(slow, (_k, v) => (typeof v === 'bigint' ? String(v) : v))) throw new Error('pushdown and copy disagree');
}
const p = median(pushed);
const c = median(copied);
console.log(`sql-clickhouse-${ROWS / 1e6}M-pushdown-join: ${p.toFixed(1)} ms (${(p / c).toFixed(3)}x vs copying the whole remote table into DuckDB and joining there ${c.toFixed(1)} ms; ${(c / p).toFixed(1)}x faster)`);
await client.close();
await engine.shutdown();
await dropDistributed(TABLE);
