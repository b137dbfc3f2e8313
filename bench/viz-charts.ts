// Charts of big data: a histogram of 10M rows binned in DuckDB (only bins come back) against numpy.histogram
// on the same number of in-memory values (Debian python3-numpy), the bytes sent against shipping the raw
// values to the browser (what a client-side histogram needs), and a 1M-row scatter sampled and drawn as SVG.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../src/session/session.js';
import { embeddedDuckDB } from '../src/sql/duckdb.js';
import { plot } from '../src/viz/index.js';

const quick = process.env.BENCH_QUICK === '1';
const ROWS = quick ? 1_000_000 : 10_000_000;
const SCATTER_ROWS = quick ? 200_000 : 1_000_000;
const BINS = 50;

const session = new Session(mkdtempSync(join(tmpdir(), 'dk-bench-viz-')));
const { connection } = await embeddedDuckDB(session);
await connection.run('SELECT setseed(0.5)');
await connection.run(`CREATE TABLE bench_viz AS SELECT random() * 100 AS v, (i % 5)::VARCHAR AS g FROM range(${ROWS}) r(i)`);
const source = { relation: 'bench_viz', connection };

const time = async (fn: () => Promise<unknown>) => {
  await fn(); // warm-up: DuckDB caches, JIT
  const start = performance.now();
  await fn();
  return performance.now() - start;
};

const histogramMs = await time(() => plot.histogram(source, { x: 'v', bins: BINS }).figure());
const numpyMs = Number(
  execFileSync('/usr/bin/python3', ['-c', `
import time, numpy as np
v = np.random.default_rng(0).random(${ROWS}) * 100
np.histogram(v, bins=${BINS})
t = time.perf_counter(); np.histogram(v, bins=${BINS}); print((time.perf_counter() - t) * 1000)
`]).toString().trim(),
);
const label = `${(ROWS / 1e6).toFixed(0)}M`;
console.log(`viz histogram ${label} rows binned in DuckDB: ${histogramMs.toFixed(0)} ms (${(histogramMs / numpyMs).toFixed(2)}x numpy.histogram in memory, ${numpyMs.toFixed(0)} ms)`);

const figureBytes = JSON.stringify(await plot.histogram(source, { x: 'v', bins: BINS }).figure()).length;
const [[rawBytes]] = (await connection.runAndReadAll('SELECT sum(length(CAST(v AS VARCHAR)) + 1) FROM bench_viz')).getRowsJS() as number[][];
console.log(`viz histogram ${label} rows payload: ${figureBytes} bytes (${(figureBytes / Number(rawBytes)).toExponential(1)}x the ${(Number(rawBytes) / 1e6).toFixed(0)} MB of raw values as JSON)`);

await connection.run(`CREATE TABLE bench_viz_points AS SELECT v, v * random() AS w, g FROM bench_viz LIMIT ${SCATTER_ROWS}`);
const points = { relation: 'bench_viz_points', connection };
const scatterMs = await time(async () => plot.scatter(points, { x: 'v', y: 'w', color: 'g' }).toSVG());
const fullMs = await time(async () => (await connection.runAndReadAll('SELECT v, w, g FROM bench_viz_points')).getRowsJS());
console.log(`viz scatter ${(SCATTER_ROWS / 1e6).toFixed(1)}M rows sampled to 10k and drawn as SVG: ${scatterMs.toFixed(0)} ms (${(scatterMs / fullMs).toFixed(2)}x reading all rows into JS, ${fullMs.toFixed(0)} ms)`);
await session.close();
