// Batch prediction on Parquet files: `%predict --workers 2 --into` against `--workers 1 --into` and against the
// in-process `%predict` (rows scored into a DuckDB table), on the same rows in the same run. The in-process
// path is also timed with its result written to Parquet, the output the workers produce.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestMagicContext } from '../test/helpers/magic-context.js';
import { Session } from '../src/session/session.js';
import { embeddedDuckDB } from '../src/sql/duckdb.js';
import type { ParallelPrediction } from '../src/runtimes/batch-predict.js';
import type { QueryResult } from '../src/sql/result.js';

const ROWS = process.env.BENCH_QUICK === '1' ? 1_000_000 : 10_000_000;
const FILES = 4;
const ctx = new TestMagicContext(new Session(mkdtempSync(join(tmpdir(), 'dk-bench-parallel-'))));
const dir = ctx.session.projectDir;
const { connection } = await embeddedDuckDB(ctx.session);
const columns = "random() * 10 AS a, random() AS b, random() * 100 AS c, (random() * 1000)::INT AS d, CASE WHEN random() < 0.5 THEN 'x' WHEN random() < 0.5 THEN 'y' ELSE 'z' END AS kind";
mkdirSync(join(dir, 'data', 'big'), { recursive: true });
for (let f = 0; f < FILES; f++) {
  const from = (f * ROWS) / FILES;
  await connection.run(`COPY (SELECT range AS id, ${columns} FROM range(${from}, ${from + ROWS / FILES})) TO '${join(dir, 'data', 'big', `f${f}.parquet`)}' (FORMAT parquet)`);
}
await connection.run(`CREATE TABLE bench_small AS SELECT *, (a + b * c > 40)::INT AS label FROM (SELECT ${columns} FROM range(5000))`);
await ctx.magic('train', 'bench_scorer --data bench_small --target label --features a,b,c,d,kind --model mlp --epochs 3');
const glob = join(dir, 'data', 'big', '*.parquet');

// CPU seconds too: the machine is shared, and rows per CPU-second compare the paths' work whatever the load.
const time = async <T>(run: () => Promise<T>): Promise<{ seconds: number; cpuSeconds: number; value: T }> => {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const value = await run();
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - start) / 1000, cpuSeconds: (used.user + used.system) / 1e6, value };
};

const inProcess = await time(() => ctx.magic('predict', `bench_scorer --data ${glob}`) as Promise<QueryResult>);
if (inProcess.value.numRows !== ROWS) throw new Error(`in-process scored ${inProcess.value.numRows} rows`);
const toParquet = await time(() => connection.run(`COPY ${inProcess.value.relation} TO '${join(dir, 'in-process.parquet')}' (FORMAT parquet)`));
await inProcess.value.drop();
const parallel: Record<number, { seconds: number; cpuSeconds: number; value: ParallelPrediction }> = {};
for (const workers of [1, 2]) {
  parallel[workers] = await time(() => ctx.magic('predict', `bench_scorer --data ${glob} --workers ${workers} --into ${join(dir, `scored-${workers}`)}`) as Promise<ParallelPrediction>);
  if (parallel[workers].value.rows !== ROWS) throw new Error(`--workers ${workers} scored ${parallel[workers].value.rows} rows`);
}
await ctx.session.close();

const rate = (seconds: number) => `${Math.round(ROWS / seconds).toLocaleString('en-US')} rows/s`;
const n = ROWS.toLocaleString('en-US');
const reference = inProcess.seconds;
const withParquet = inProcess.seconds + toParquet.seconds;
const perCpu = (cpuSeconds: number) => `${Math.round(ROWS / cpuSeconds).toLocaleString('en-US')} rows per CPU-second`;
console.log(`ml-predict-parallel in-process %predict of ${n} rows into DuckDB (reference): ${rate(reference)} (${reference.toFixed(2)} s; ${perCpu(inProcess.cpuSeconds)})`);
console.log(`ml-predict-parallel in-process %predict + COPY to Parquet: ${rate(withParquet)} (${withParquet.toFixed(2)} s; ${(reference / withParquet).toFixed(3)}x of the reference)`);
for (const workers of [1, 2]) {
  const { seconds, value } = parallel[workers];
  const perWorker = value.workers.map((w) => `${w.pid}: ${Math.round(w.rows / w.seconds).toLocaleString('en-US')}`).join(', ');
  const cpu = value.workers.reduce((sum, w) => sum + w.cpuSeconds, 0);
  console.log(
    `ml-predict-parallel --workers ${workers} --into (${value.parts} parts): ${rate(seconds)} (${seconds.toFixed(2)} s; ${(reference / seconds).toFixed(3)}x of the reference, ` +
      `${(withParquet / seconds).toFixed(3)}x of in-process + Parquet${workers === 2 ? `, ${(parallel[1].seconds / seconds).toFixed(3)}x of --workers 1` : ''}; per worker rows/s ${perWorker}; ${perCpu(cpu)} in the workers' parts, ${(inProcess.cpuSeconds / cpu).toFixed(3)}x of the reference's)`,
  );
}
