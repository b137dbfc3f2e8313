// (c) Change data capture apply rate: a Postgres table snapshotted by %ingest --mode cdc, then changed by
// updates, inserts and deletes (transactions of 1,000), then one CDC run applies them (decode, Parquet change
// log, compacted current.parquet), in changes/s; the reference is COPY of the same final table to Parquet
// (%ingest's overwrite: COPY ... TO STDOUT, DuckDB, Parquet) in rows/s, in the same run. Needs Postgres with
// wal_level=logical at 127.0.0.1:5432 (user postgres, db test). BENCH_QUICK=1: a fifth of the sizes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { dropCapture, ingestChanges } from '../src/cdc/index.js';
import { connect } from '../src/connectors/registry.js';
import { setFallbackOutput } from '../src/display/output.js';
import { ingest } from '../src/ingest/index.js';
import { Session } from '../src/session/session.js';

const QUICK = process.env.BENCH_QUICK === '1';
const ROWS = QUICK ? 40_000 : 200_000;
const UPDATES = ROWS / 2;
const INSERTS = ROWS / 10;
const DELETES = ROWS / 20;
const URI = 'postgres://postgres@127.0.0.1:5432/test';
const TABLE = 'cdcbench_orders';

setFallbackOutput({ stream() {}, clearOutput() {}, input: async () => '', display: () => undefined });
const admin = new pg.Client({ connectionString: URI });
await admin.connect();
await admin.query(`DROP TABLE IF EXISTS public.${TABLE};
  CREATE TABLE public.${TABLE} (id bigint PRIMARY KEY, customer text NOT NULL, amount numeric(12,2), placed timestamptz, note text);
  INSERT INTO public.${TABLE} SELECT g, 'customer-' || (g % 5000), (g % 1000) / 7.0, timestamptz '2024-01-01' + g * interval '1 second', 'note ' || g FROM generate_series(1, ${ROWS}) g`);

const session = new Session(mkdtempSync(join(tmpdir(), 'dk-bench-cdc-')));
await connect(session, 'pg', URI);
try {
  await ingestChanges(session, `pg.public.${TABLE}`, { into: 'cdc' });
  const batches: string[] = [];
  for (let from = 1; from <= UPDATES; from += 1000) batches.push(`BEGIN; UPDATE public.${TABLE} SET amount = amount + 1, note = 'updated' WHERE id BETWEEN ${from} AND ${from + 999}; COMMIT`);
  for (let from = ROWS + 1; from <= ROWS + INSERTS; from += 1000) batches.push(`BEGIN; INSERT INTO public.${TABLE} SELECT g, 'new', 1, now(), NULL FROM generate_series(${from}, ${from + 999}) g; COMMIT`);
  batches.push(`BEGIN; DELETE FROM public.${TABLE} WHERE id % 20 = 7 AND id <= ${ROWS}; COMMIT`);
  await admin.query(batches.join(';\n'));
  const changes = UPDATES + INSERTS + DELETES;

  const cdcStart = performance.now();
  const applied = await ingestChanges(session, `pg.public.${TABLE}`, { into: 'cdc' });
  const cdcMs = performance.now() - cdcStart;
  const counted = applied.changes!.insert + applied.changes!.update + applied.changes!.delete;
  if (counted !== changes) throw new Error(`applied ${counted} changes, expected ${changes}`);

  const copyStart = performance.now();
  const copied = await ingest(session, `pg.public.${TABLE}`, { into: 'copy.parquet' });
  const copyMs = performance.now() - copyStart;
  const finalRows = ROWS + INSERTS - DELETES;
  if (copied.rows !== finalRows) throw new Error(`COPY wrote ${copied.rows} rows, expected ${finalRows}`);

  const cdcRate = changes / (cdcMs / 1000);
  const copyRate = finalRows / (copyMs / 1000);
  console.log(`cdc apply (${changes.toLocaleString('en-US')} changes onto ${ROWS.toLocaleString('en-US')} rows, change log + current.parquet): ${Math.round(cdcRate).toLocaleString('en-US')} changes/s, ${(cdcMs / 1000).toFixed(2)} s (${(cdcRate / copyRate).toFixed(2)}x COPY rows/s)`);
  console.log(`COPY of the final table to Parquet (reference, ${finalRows.toLocaleString('en-US')} rows): ${Math.round(copyRate).toLocaleString('en-US')} rows/s, ${(copyMs / 1000).toFixed(2)} s`);
  console.log(`cdc run time / COPY time: ${(cdcMs / copyMs).toFixed(2)}x`);
} finally {
  await dropCapture(session, `pg.public.${TABLE}`, { into: 'cdc' }).catch(() => undefined);
  await admin.query(`DROP TABLE IF EXISTS public.${TABLE}`);
  await admin.end();
  await session.close();
}
