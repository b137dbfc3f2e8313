// %predict on 1M rows: read from DuckDB in typed batches, score with a trained MLP, append the predictions to
// DuckDB. The reference is DuckDB copying the same rows into a new table (the floor of any scoring pass).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestMagicContext } from '../test/helpers/magic-context.js';
import { Session } from '../src/session/session.js';
import { embeddedDuckDB } from '../src/sql/duckdb.js';
import type { QueryResult } from '../src/sql/result.js';

const ROWS = process.env.BENCH_QUICK === '1' ? 100_000 : 1_000_000;
const ctx = new TestMagicContext(new Session(mkdtempSync(join(tmpdir(), 'dk-bench-predict-'))));
const { connection } = await embeddedDuckDB(ctx.session);
const columns = 'random() * 10 AS a, random() AS b, random() * 100 AS c, (random() * 1000)::INT AS d, CASE WHEN random() < 0.5 THEN \'x\' WHEN random() < 0.5 THEN \'y\' ELSE \'z\' END AS kind';
await connection.run(`CREATE TABLE bench_ml_small AS SELECT *, (a + b * c > 40)::INT AS label FROM (SELECT ${columns} FROM range(5000))`);
await connection.run(`CREATE TABLE bench_ml_score AS SELECT ${columns} FROM range(${ROWS})`);
await ctx.magic('train', 'bench_scorer --data bench_ml_small --target label --model mlp --epochs 3');

let start = performance.now();
await connection.run('CREATE TEMP TABLE bench_ml_copy AS SELECT *, 0.5::DOUBLE AS prediction FROM bench_ml_score');
const copySeconds = (performance.now() - start) / 1000;

start = performance.now();
const result = (await ctx.magic('predict', 'bench_scorer --data bench_ml_score')) as QueryResult;
const seconds = (performance.now() - start) / 1000;
if (result.numRows !== ROWS) throw new Error(`expected ${ROWS} rows, got ${result.numRows}`);
await ctx.session.close();

console.log(`ml-predict DuckDB copy of ${ROWS.toLocaleString('en-US')} rows (reference): ${Math.round(ROWS / copySeconds).toLocaleString('en-US')} rows/s`);
console.log(`ml-predict %predict mlp on ${ROWS.toLocaleString('en-US')} rows: ${Math.round(ROWS / seconds).toLocaleString('en-US')} rows/s (${seconds.toFixed(2)} s; ${(copySeconds / seconds).toFixed(3)}x of the copy)`);
