import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropCapture, ingestChanges, readPosition, ReplicationConnection, replicationNames } from '../../src/cdc/index.js';
import { savePosition } from '../../src/cdc/position-store.js';
import type { IngestResult } from '../../src/ingest/index.js';
import { connect, type Connector } from '../../src/connectors/index.js';
import type { PostgresConnection } from '../../src/connectors/postgres.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import { TestMagicContext } from '../helpers/magic-context.js';

const PG = 'postgres://postgres@127.0.0.1:5432/test';
const src = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url));
const ROWS = 2000;
// Transactions of 250 updates, read in batches of 1,000 changes: many part files, each committed on its own.
const UPDATE_ROUNDS = 4;
// More changes than the reader queues ahead (10k events) plus socket buffers: a connection cut once two batches
// are in always leaves changes unread.
const LOST_ROUNDS = 12;

describe('CDC across a kill, a lost connection and bad set-ups', () => {
  const ctx = new TestMagicContext();
  const dir = ctx.session.projectDir;
  let pg: Connector;
  const rows = async (sql: string) => (await (await embeddedDuckDB(ctx.session)).connection.runAndReadAll(sql)).getRowObjectsJS();
  const partFiles = (into: string) => (existsSync(join(dir, into, 'changes')) ? readdirSync(join(dir, into, 'changes')).filter((f) => f.endsWith('.parquet')).length : 0);
  const log = (into: string) => `read_parquet('${join(dir, into, 'changes', '*.parquet')}', union_by_name = true)`;

  async function differences(table: string, into: string): Promise<number> {
    const source = await pg.query(`SELECT * FROM public.${table}`);
    const state = `(SELECT * EXCLUDE (_lsn, _commit_time) FROM '${join(dir, into, 'current.parquet')}')`;
    const [row] = await rows(`SELECT count(*) AS n FROM ((SELECT * FROM ${source.relation} EXCEPT ALL SELECT * FROM ${state})
      UNION ALL (SELECT * FROM ${state} EXCEPT ALL SELECT * FROM ${source.relation}))`);
    source.drop();
    return Number(row.n);
  }

  /** A table captured once (snapshot), then changed by many small transactions. */
  async function prepare(table: string, into: string, rounds = UPDATE_ROUNDS): Promise<void> {
    await pg.query(`DROP TABLE IF EXISTS public.${table}`);
    await pg.query(`CREATE TABLE public.${table} (id int PRIMARY KEY, n int NOT NULL, label text)`);
    await pg.query(`INSERT INTO public.${table} SELECT i, 0, 'row ' || i FROM generate_series(1, ${ROWS}) i`);
    await ingestChanges(ctx.session, `cdcpg2.public.${table}`, { into });
    const statements: string[] = [];
    for (let round = 1; round <= rounds; round++) {
      for (let from = 1; from <= ROWS; from += 250) statements.push(`BEGIN; UPDATE public.${table} SET n = n + 1 WHERE id BETWEEN ${from} AND ${from + 249}; COMMIT`);
    }
    statements.push(`DELETE FROM public.${table} WHERE id % 100 = 0`, `INSERT INTO public.${table} SELECT i, -1, 'late' FROM generate_series(${ROWS + 1}, ${ROWS + 100}) i`);
    await pg.query(statements.join(';\n'));
  }

  /** The change log holds every change once, as many as were made. */
  async function expectExactlyOnce(into: string, rounds = UPDATE_ROUNDS): Promise<void> {
    const [counts] = await rows(`SELECT count(*) FILTER (_op = 'update')::INTEGER AS updates, count(*) FILTER (_op = 'delete')::INTEGER AS deletes,
      count(*) FILTER (_op = 'insert')::INTEGER AS inserts, (count(*) = count(DISTINCT (_lsn, _seq, id)))::BOOLEAN AS once FROM ${log(into)}`);
    expect(counts).toEqual({ updates: ROWS * rounds, deletes: ROWS / 100, inserts: 100, once: true });
  }

  beforeAll(async () => {
    pg = await connect(ctx.session, 'cdcpg2', PG);
  });
  afterAll(async () => {
    for (const [table, into] of [['cdc_kill', 'lake/kill'], ['cdc_lost', 'lake/lost'], ['cdc_busy', 'lake/busy']]) {
      await dropCapture(ctx.session, `cdcpg2.public.${table}`, { into }).catch(() => undefined);
      await pg.query(`DROP TABLE IF EXISTS public.${table}`);
    }
    await pg.query('DROP TABLE IF EXISTS public.cdc_nokey');
    await ctx.session.close();
  });

  it('resumes after a SIGKILL mid-load with no change lost or repeated', async () => {
    await prepare('cdc_kill', 'lake/kill');
    const before = partFiles('lake/kill');
    const script = join(dir, 'kill-cdc.mts');
    writeFileSync(
      script,
      [
        `import { Session } from ${JSON.stringify(src('session/session.ts'))};`,
        `import { connect } from ${JSON.stringify(src('connectors/registry.ts'))};`,
        `import { setFallbackOutput } from ${JSON.stringify(src('display/output.ts'))};`,
        `import { ingestChanges } from ${JSON.stringify(src('cdc/index.ts'))};`,
        `setFallbackOutput({ stream() {}, clearOutput() {}, input: async () => '', display: () => undefined });`,
        `const session = new Session(${JSON.stringify(dir)});`,
        `await connect(session, 'cdcpg2', ${JSON.stringify(PG)});`,
        `await ingestChanges(session, 'cdcpg2.public.cdc_kill', { into: 'lake/kill', batchChanges: 1000 });`,
        `console.log('FINISHED');`,
        `process.exit(0);`,
      ].join('\n'),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Killed once two batches are in: the Parquet and the LSN of those are committed, the rest is not.
    while (partFiles('lake/kill') < before + 2 && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGKILL');
    await exited;
    expect(output).not.toContain('FINISHED');
    const killed = partFiles('lake/kill');
    expect(killed - before).toBeGreaterThanOrEqual(2);
    expect(killed - before).toBeLessThan((ROWS * UPDATE_ROUNDS) / 1000);

    const resumed = await ingestChanges(ctx.session, 'cdcpg2.public.cdc_kill', { into: 'lake/kill' });
    expect(resumed.changes!.update).toBeLessThan(ROWS * UPDATE_ROUNDS);
    await expectExactlyOnce('lake/kill');
    expect(await differences('cdc_kill', 'lake/kill')).toBe(0);
  }, 180_000);

  it('keeps only saved changes when the connection drops mid-read; the next run completes', async () => {
    await prepare('cdc_lost', 'lake/lost', LOST_ROUNDS);
    const before = partFiles('lake/lost');
    const { slot } = replicationNames(dir, 'lake/lost');
    let settled = false;
    const run = ingestChanges(ctx.session, 'cdcpg2.public.cdc_lost', { into: 'lake/lost', batchChanges: 1000 }).finally(() => (settled = true));
    while (partFiles('lake/lost') < before + 2 && !settled) await new Promise((resolve) => setTimeout(resolve, 20));
    await pg.query('SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1 AND active_pid IS NOT NULL', [slot]);
    await expect(run).rejects.toThrow(/replication stream from public.cdc_lost broke off after .* changes/);
    const position = await readPosition(ctx.session, 'lake/lost');
    const [stored] = await rows(`SELECT max(_lsn)::VARCHAR AS lsn FROM ${log('lake/lost')}`);
    expect(position!.committed!.toString()).toBe(stored.lsn);

    // The session goes on: the same magic completes the load.
    await ctx.magic('ingest', 'cdcpg2.public.cdc_lost --into lake/lost --mode cdc');
    await expectExactlyOnce('lake/lost', LOST_ROUNDS);
    expect(await differences('cdc_lost', 'lake/lost')).toBe(0);
  }, 180_000);

  it('explains a slot it did not make, a slot in use and a table without a primary key', async () => {
    const { slot } = replicationNames(dir, 'lake/taken');
    await pg.query(`SELECT pg_create_logical_replication_slot($1, 'pgoutput')`, [slot]);
    try {
      await pg.query('CREATE TABLE IF NOT EXISTS public.cdc_busy (id int PRIMARY KEY)');
      await expect(ctx.magic('ingest', 'cdcpg2.public.cdc_busy --into lake/taken --mode cdc')).rejects.toThrow(`Replication slot ${slot} already exists, and lake/taken was not started from it`);
    } finally {
      await pg.query('SELECT pg_drop_replication_slot($1)', [slot]);
    }

    await ctx.magic('ingest', 'cdcpg2.public.cdc_busy --into lake/busy --mode cdc');
    const names = replicationNames(dir, 'lake/busy');
    const reader = await ReplicationConnection.open((pg as PostgresConnection).clientConfig());
    try {
      await reader.start(names.slot, names.publication, 0n);
      await expect(ctx.magic('ingest', 'cdcpg2.public.cdc_busy --into lake/busy --mode cdc')).rejects.toThrow(/is in use by server process \d+: another load/);
    } finally {
      await reader.close();
    }

    await pg.query('DROP TABLE IF EXISTS public.cdc_nokey');
    await pg.query('CREATE TABLE public.cdc_nokey (id int, label text)');
    await expect(ctx.magic('ingest', 'cdcpg2.public.cdc_nokey --into lake/nokey --mode cdc')).rejects.toThrow(/cdc_nokey has no primary key, so updates and deletes cannot say which row/);
    await expect(ctx.magic('ingest', 'cdcpg2.public.cdc_nokey --into lake/nokey --mode cdc --cursor id')).rejects.toThrow(/--cursor does not go with --mode cdc/);
    expect(await readPosition(ctx.session, 'lake/nokey')).toBeUndefined();
  }, 120_000);

  it('takes the snapshot again when a run died after creating its slot and before the snapshot was stored', async () => {
    await pg.query('DROP TABLE IF EXISTS public.cdc_busy');
    await pg.query('CREATE TABLE public.cdc_busy (id int PRIMARY KEY)');
    await pg.query('INSERT INTO public.cdc_busy SELECT generate_series(1, 10)');
    const names = replicationNames(dir, 'lake/redo');
    // What a run killed mid-snapshot leaves: its position without an LSN, and its slot.
    await savePosition(ctx.session, { destination: 'lake/redo', table: 'public.cdc_busy', database: pg.displayUri, ...names });
    await pg.query(`SELECT pg_create_logical_replication_slot($1, 'pgoutput')`, [names.slot]);
    try {
      const redone = (await ctx.magic('ingest', 'cdcpg2.public.cdc_busy --into lake/redo --mode cdc')) as IngestResult;
      expect(redone.changes?.snapshot).toBe(10);
      expect(await differences('cdc_busy', 'lake/redo')).toBe(0);
    } finally {
      await dropCapture(ctx.session, 'cdcpg2.public.cdc_busy', { into: 'lake/redo' });
    }
  }, 60_000);
});
