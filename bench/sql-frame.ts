// (b) Filter, groupBy-mean and add-column on 1M rows: the DuckDB-backed Frame against danfo.js and pandas
// (/usr/bin/python3, Debian's python3-pandas), all on the same generated data, in one run. Each operation
// produces its full result and frees it (Frame: collected into a DuckDB table, then dropped; pandas: a new
// frame, freed when the timed call returns; danfo: a new frame). Target: Frame <= pandas. A fourth line
// times the three chained (filter, then add a column, then the mean per group): a Frame runs a chain as one
// query, pandas materialises each step. Plain DuckDB SQL making the same tables shows the floor under the
// Frame. BENCH_QUICK=1: 200k rows.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Frame } from '../src/frame/index.js';
import { Session } from '../src/session/session.js';
import { embeddedDuckDB } from '../src/sql/duckdb.js';
import { runSql } from '../src/sql/query.js';

const QUICK = process.env.BENCH_QUICK === '1';
const ROWS = QUICK ? 200_000 : 1_000_000;
const RUNS = QUICK ? 3 : 9;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function time(fn: () => Promise<unknown> | unknown, runCount = RUNS): Promise<number> {
  if (runCount > 1) await fn();
  const runs: number[] = [];
  for (let i = 0; i < runCount; i++) {
    const start = performance.now();
    await fn();
    runs.push(performance.now() - start);
  }
  return median(runs);
}

// The same data everywhere: g = i % 100, x = (i * 7919 % 10007) / 10007, y = i % 13.
const session = new Session(mkdtempSync(join(tmpdir(), 'dk-bench-frame-')));
await runSql(session, `CREATE TABLE bench_rows AS SELECT range AS id, range % 100 AS g, (range * 7919 % 10007) / 10007.0 AS x, (range % 13)::DOUBLE AS y FROM range(${ROWS})`);
const rows = await Frame.from(session, 'bench_rows');
const collected = (frame: Frame) => async () => (await frame.collect()).drop();
const frame = {
  filter: await time(collected(rows.filter('x > 0.5'))),
  groupby: await time(collected(rows.groupBy('g').agg({ x: 'mean' }))),
  assign: await time(collected(rows.assign({ z: 'x * 2 + y' }))),
  chain: await time(collected(rows.filter('x > 0.5').assign({ z: 'x * 2 + y' }).groupBy('g').agg({ z: 'mean' }))),
};
// The floor under the Frame: the same results made and dropped by plain DuckDB SQL on the same connection.
const { connection } = await embeddedDuckDB(session);
const plainDuckDB = (select: string) => async () => {
  await connection.run(`CREATE TEMP TABLE bench_plain AS ${select}`);
  await connection.run('DROP TABLE bench_plain');
};
const raw = {
  filter: await time(plainDuckDB('SELECT * FROM bench_rows WHERE x > 0.5')),
  groupby: await time(plainDuckDB('SELECT g, avg(x) AS x_mean FROM bench_rows GROUP BY g')),
  assign: await time(plainDuckDB('SELECT *, x * 2 + y AS z FROM bench_rows')),
  chain: await time(plainDuckDB('SELECT g, avg(x * 2 + y) AS z_mean FROM bench_rows WHERE x > 0.5 GROUP BY g')),
};

const { DataFrame } = await import('danfojs-node');
const ids = Array.from({ length: ROWS }, (_, i) => i);
const df = new DataFrame({ id: ids, g: ids.map((i) => i % 100), x: ids.map((i) => ((i * 7919) % 10007) / 10007), y: ids.map((i) => i % 13) });
// danfo takes seconds per operation at this size: one timed run each keeps the bench within its budget.
const danfo = {
  filter: await time(() => df.query(df.x.gt(0.5)), 1),
  groupby: await time(() => df.groupby(['g']).col(['x']).mean(), 1),
  assign: await time(() => df.addColumn('z', df.x.mul(2).add(df.y), { inplace: false }), 1),
  chain: await time(() => {
    const kept = df.query(df.x.gt(0.5));
    return kept.addColumn('z', kept.x.mul(2).add(kept.y), { inplace: false }).groupby(['g']).col(['z']).mean();
  }, 1),
};

const python = `
import json, time, statistics, numpy as np, pandas as pd
n, runs = ${ROWS}, ${RUNS}
i = np.arange(n)
df = pd.DataFrame({'id': i, 'g': i % 100, 'x': (i * 7919 % 10007) / 10007, 'y': (i % 13).astype(float)})
def t(fn):
    fn()
    out = []
    for _ in range(runs):
        s = time.perf_counter(); fn(); out.append((time.perf_counter() - s) * 1000)
    return statistics.median(out)
print(json.dumps({
  'filter': t(lambda: df[df.x > 0.5]),
  'groupby': t(lambda: df.groupby('g', as_index=False)['x'].mean()),
  'assign': t(lambda: df.assign(z=df.x * 2 + df.y)),
  'chain': t(lambda: (lambda kept: kept.assign(z=kept.x * 2 + kept.y).groupby('g', as_index=False)['z'].mean())(df[df.x > 0.5])),
}))`;
const pandas = JSON.parse(execFileSync('/usr/bin/python3', ['-c', python], { encoding: 'utf8' })) as typeof frame;

const label = { filter: 'filter', groupby: 'groupBy-mean', assign: 'add-column', chain: 'filter+add-column+groupBy-mean' } as const;
for (const op of ['filter', 'groupby', 'assign', 'chain'] as const) {
  const m = `${ROWS / 1e6}M`;
  console.log(`sql-frame-${label[op]}-${m} duckdb-frame: ${frame[op].toFixed(1)} ms (${(frame[op] / pandas[op]).toFixed(2)}x vs pandas ${pandas[op].toFixed(1)} ms, target <= 1)`);
  console.log(`sql-frame-${label[op]}-${m} plain-duckdb-sql: ${raw[op].toFixed(1)} ms (${(raw[op] / pandas[op]).toFixed(2)}x vs pandas; the floor under the Frame)`);
  console.log(`sql-frame-${label[op]}-${m} danfo: ${danfo[op].toFixed(1)} ms (${(danfo[op] / pandas[op]).toFixed(2)}x vs pandas ${pandas[op].toFixed(1)} ms)`);
}
await session.close();
