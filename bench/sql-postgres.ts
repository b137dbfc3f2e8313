// (c) A 1M-row Postgres table into the embedded DuckDB (what `SELECT ... FROM pg.public.t` does: COPY to CSV,
// DuckDB parses and casts), in rows/s and peak memory, against reading the same rows with the plain pg driver
// (client.query, rows as JS arrays) in the same run. The query reads all five columns; a second one reads one
// column (only that column is loaded), against the plain driver reading that column. Needs Postgres at
// 127.0.0.1:5432 (user postgres, db test). BENCH_QUICK=1: 200k rows.
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { connect } from '../src/connectors/registry.js';
import { Session } from '../src/session/session.js';
import { runSql } from '../src/sql/query.js';

const QUICK = process.env.BENCH_QUICK === '1';
const ROWS = QUICK ? 200_000 : 1_000_000;
const URI = 'postgres://postgres@127.0.0.1:5432/test';

/** Peak resident memory of this process so far (VmHWM), in MB; reset between phases is not possible, so phases are ordered small-first. */
const peakMb = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;
const rssMb = () => process.memoryUsage().rss / 1024 / 1024;

async function sampled<T>(fn: () => Promise<T>): Promise<{ ms: number; peakRssMb: number; value: T }> {
  let peak = rssMb();
  const timer = setInterval(() => (peak = Math.max(peak, rssMb())), 20);
  const start = performance.now();
  const value = await fn();
  const ms = performance.now() - start;
  clearInterval(timer);
  return { ms, peakRssMb: Math.max(peak, rssMb()), value };
}

const admin = new pg.Client({ connectionString: URI });
await admin.connect();
await admin.query(`DROP TABLE IF EXISTS public.sqlbench_rows;
  CREATE TABLE public.sqlbench_rows AS SELECT g AS id, (g % 1000)::numeric(10,2) / 7 AS amount, 'customer-' || (g % 5000) AS customer,
    now() - (g || ' seconds')::interval AS at, g % 3 = 0 AS flag FROM generate_series(1, ${ROWS}) g; ANALYZE public.sqlbench_rows`);

const session = new Session(mkdtempSync(join(tmpdir(), 'dk-bench-pg-')));
await connect(session, 'pg', URI);
const base = rssMb();
const ours = await sampled(async () =>
  (await runSql(session, 'SELECT count(*) AS n, max(id), max(amount), max(customer), max("at"), bool_or(flag) FROM pg.public.sqlbench_rows')).toArray(),
);
if (Number(ours.value[0].n) !== ROWS) throw new Error('wrong row count');
const oneColumn = await sampled(async () => (await runSql(session, 'SELECT sum(amount) AS total FROM pg.public.sqlbench_rows')).toArray());

const client = new pg.Client({ connectionString: URI });
await client.connect();
const plain = await sampled(async () => (await client.query({ text: 'SELECT * FROM public.sqlbench_rows', rowMode: 'array' })).rows.length);
const plainOne = await sampled(async () => (await client.query({ text: 'SELECT amount FROM public.sqlbench_rows', rowMode: 'array' })).rows.length);

const m = `${ROWS / 1e6}M`;
const rate = (ms: number) => ROWS / (ms / 1000);
console.log(`sql-postgres-${m}-into-duckdb: ${Math.round(rate(ours.ms))} rows/s (${(rate(ours.ms) / rate(plain.ms)).toFixed(2)}x vs plain pg client.query ${Math.round(rate(plain.ms))} rows/s)`);
console.log(`sql-postgres-${m}-one-of-5-columns-into-duckdb: ${Math.round(rate(oneColumn.ms))} rows/s (${(rate(oneColumn.ms) / rate(plainOne.ms)).toFixed(2)}x vs plain pg reading that column ${Math.round(rate(plainOne.ms))} rows/s; ${(rate(oneColumn.ms) / rate(ours.ms)).toFixed(2)}x our all-column rate)`);
console.log(`sql-postgres-${m}-into-duckdb peak-rss: ${ours.peakRssMb.toFixed(0)} MB (${(ours.peakRssMb - base).toFixed(0)} MB above start; plain pg peak ${plain.peakRssMb.toFixed(0)} MB; process VmHWM ${peakMb().toFixed(0)} MB)`);
await client.end();
await admin.query('DROP TABLE IF EXISTS public.sqlbench_rows');
await admin.end();
await session.close();
