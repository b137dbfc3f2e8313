import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/connectors/registry.js';
import type { StreamConnector } from '../../src/connectors/stream.js';
import { IngestBlockedError, ingestStream, partRange, readCursor, type IngestResult } from '../../src/ingest/index.js';
import { Session } from '../../src/session/session.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import { TestMagicContext } from '../helpers/magic-context.js';
import { NATS, testStream, uniqueStream } from './nats-helper.js';

const order = (i: number) => ({ id: i, amount: i * 0.5, region: i % 2 ? 'eu' : 'us', item: { sku: `s${i % 7}`, qty: i % 5 } });

describe('%ingest of a NATS stream into Parquet, exactly once', () => {
  const ctx = new TestMagicContext();
  const dir = ctx.session.projectDir;
  const name = uniqueStream('ingest');
  let stream: Awaited<ReturnType<typeof testStream>>;
  const lake = join(dir, 'lake/events');
  const query = async (sql: string) => (await (await embeddedDuckDB(ctx.session)).connection.runAndReadAll(sql)).getRowObjectsJS();
  const counts = async () => (await query(`SELECT count(*) AS n, count(DISTINCT sequence) AS d, min(sequence) AS lo, max(sequence) AS hi FROM read_parquet('${lake}/**/*.parquet', hive_partitioning = true)`))[0];

  beforeAll(async () => {
    stream = await testStream(name);
    await stream.publish(Array.from({ length: 2000 }, (_, i) => order(i + 1)));
    // Not JSON; JSON but no object; an object with a key given twice, which the JSON reader refuses.
    await stream.publish(['{"id": broken', 'null', '{"id": 1, "id": 2}']);
    await connect(ctx.session, 'events', NATS, { stream: name });
  });
  afterAll(async () => {
    await ctx.session.close();
    await stream.remove();
  });

  it('lands the retained messages partitioned, with malformed ones kept apart and counted', async () => {
    const result = (await ctx.magic('ingest', 'events --into lake/events --mode incremental --partition-by region')) as IngestResult;
    expect(result.rows).toBe(2000);
    expect(result.cursor).toEqual({ column: 'sequence', from: '0', to: '2003' });
    const malformed = [{ sequence: 2001, payload: '{"id": broken' }, { sequence: 2002, payload: 'null' }, { sequence: 2003, payload: '{"id": 1, "id": 2}' }];
    expect(result.rejected).toMatchObject({ count: 3, sample: malformed, file: 'lake/events.rejects' });
    expect(await counts()).toEqual({ n: 2000n, d: 2000n, lo: 1n, hi: 2000n });
    expect(readdirSync(lake).sort()).toEqual(['region=eu', 'region=us']);
    const [row] = await query(`SELECT id, amount, item.sku AS sku, region FROM read_parquet('${lake}/**/*.parquet', hive_partitioning = true) WHERE sequence = 7`);
    expect(row).toEqual({ id: 7n, amount: 3.5, sku: 's0', region: 'eu' });
    expect(await readCursor(ctx.session, 'lake/events')).toMatchObject({ column: 'sequence', value: '2003' });
    const rejects = await query(`SELECT sequence, payload FROM read_parquet('${lake}.rejects/*.parquet') ORDER BY sequence`);
    expect(rejects).toEqual(malformed.map((m) => ({ ...m, sequence: BigInt(m.sequence) })));
  });

  it('loads only new messages on the next run, and nothing when there are none', async () => {
    expect(((await ctx.magic('ingest', 'events --into lake/events --partition-by region')) as IngestResult).rows).toBe(0);
    await stream.publish(Array.from({ length: 300 }, (_, i) => order(3000 + i)));
    const next = (await ctx.magic('ingest', 'events --into lake/events --partition-by region --max-messages 200')) as IngestResult;
    expect(next).toMatchObject({ rows: 200, cursor: { from: '2003', to: '2203' } });
    const rest = (await ctx.magic('ingest', 'events --into lake/events --partition-by region')) as IngestResult;
    expect(rest).toMatchObject({ rows: 100, cursor: { from: '2203', to: '2303' } });
    expect(await counts()).toEqual({ n: 2300n, d: 2300n, lo: 1n, hi: 2303n });
  });

  it('drops a part moved into place whose position was never recorded (killed between the two), and loads it once', async () => {
    const parts = readdirSync(join(lake, 'region=eu')).filter((f) => partRange(f));
    // What a load killed after its rename and before saving the position leaves: a part past the position.
    const orphan = join(lake, 'region=eu', 'part-00000000000000002304-00000000000000002401-orphan.parquet');
    copyFileSync(join(lake, 'region=eu', parts[0]), orphan);
    await stream.publish(Array.from({ length: 98 }, (_, i) => order(5000 + i)));
    const result = (await ctx.magic('ingest', 'events --into lake/events --partition-by region')) as IngestResult;
    expect(existsSync(orphan)).toBe(false);
    expect(result.rows).toBe(98);
    expect(await counts()).toEqual({ n: 2398n, d: 2398n, lo: 1n, hi: 2401n });
  });

  it('stops on a breaking schema change and keeps the position', async () => {
    await stream.publish([{ id: 9999, amount: 1.5, region: 'eu' }]);
    const error = await ctx.magic('ingest', 'events --into lake/events --partition-by region').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestBlockedError);
    expect(String(error)).toMatch(/item \(removed/);
    expect(await readCursor(ctx.session, 'lake/events')).toMatchObject({ value: '2401' });
    expect((await counts()).n).toBe(2398n);
  });
});

describe('a stream destination has one writer, and a first load leaves nothing the next one trusts', () => {
  const ctx = new TestMagicContext();
  const dir = ctx.session.projectDir;
  const name = uniqueStream('writer');
  let stream: Awaited<ReturnType<typeof testStream>>;
  const query = async (sql: string) => (await (await embeddedDuckDB(ctx.session)).connection.runAndReadAll(sql)).getRowObjectsJS();
  beforeAll(async () => {
    stream = await testStream(name);
    await stream.publish(Array.from({ length: 300 }, (_, i) => order(i + 1)));
    await connect(ctx.session, 'writer', NATS, { stream: name });
  });
  afterAll(async () => {
    await ctx.session.close();
    await stream.remove();
  });

  it('refuses a second load of a destination while another process loads it, and takes over a dead one\'s lock', async () => {
    const lock = join(dir, 'lake/one.lock');
    mkdirSync(join(dir, 'lake'), { recursive: true });
    const other = spawn('sleep', ['30']);
    writeFileSync(lock, String(other.pid));
    const refused = await ctx.magic('ingest', 'writer --into lake/one').catch((e: unknown) => e);
    expect(String(refused)).toMatch(new RegExp(`Another load \\(process ${other.pid}\\) is writing lake/one`));
    expect(existsSync(join(dir, 'lake/one'))).toBe(false);
    const exited = new Promise((r) => other.once('exit', r));
    other.kill('SIGKILL');
    await exited;
    expect(((await ctx.magic('ingest', 'writer --into lake/one')) as IngestResult).rows).toBe(300);
    expect(existsSync(lock)).toBe(false);
  });

  it('records position 0 before a first load moves a part in, so a partition file a killed first load left is dropped', async () => {
    const goneName = uniqueStream('gone');
    const gone = await testStream(goneName);
    await gone.publish([order(1)]);
    await connect(ctx.session, 'gone', NATS, { stream: goneName });
    await gone.remove();
    // A first load that dies before its first part: its position is on record all the same.
    await expect(ctx.magic('ingest', 'gone --into lake/first --partition-by region')).rejects.toThrow();
    expect(await readCursor(ctx.session, 'lake/first')).toMatchObject({ column: 'sequence', value: '0' });
    // What a first load killed among a part's partition files leaves: one partition's file moved in.
    await ctx.magic('ingest', 'writer --into lake/split --partition-by region');
    const eu = readdirSync(join(dir, 'lake/split/region=eu')).find((f) => partRange(f))!;
    mkdirSync(join(dir, 'lake/first/region=eu'), { recursive: true });
    copyFileSync(join(dir, 'lake/split/region=eu', eu), join(dir, 'lake/first/region=eu', eu));
    const result = (await ctx.magic('ingest', 'writer --into lake/first --partition-by region')) as IngestResult;
    expect(result.rows).toBe(300);
    const [row] = await query(`SELECT count(*) AS n, count(DISTINCT sequence) AS d FROM read_parquet('${dir}/lake/first/**/*.parquet', hive_partitioning = true)`);
    expect(row).toEqual({ n: 300n, d: 300n });
  });
});

describe('a stream load killed with SIGKILL mid-load', () => {
  const name = uniqueStream('kill');
  let stream: Awaited<ReturnType<typeof testStream>>;
  const dir = mkdtempSync(join(tmpdir(), 'dk-stream-kill-'));
  beforeAll(async () => {
    stream = await testStream(name);
    await stream.publish(Array.from({ length: 10_000 }, (_, i) => order(i + 1)));
  });
  afterAll(async () => {
    await stream.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes where it stopped: every message once', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./ingest-child.ts', import.meta.url)), dir, name], { stdio: 'ignore' });
    const lake = join(dir, 'lake/events');
    // Killed once a few parts are in place, in the middle of the load.
    for (let i = 0; i < 600 && (!existsSync(lake) || readdirSync(lake).filter((f) => f.endsWith('.parquet')).length < 3); i++) await new Promise((r) => setTimeout(r, 50));
    // A child that already finished has nothing to kill, and emits no second 'exit'.
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    const written = existsSync(lake) ? readdirSync(lake).filter((f) => f.endsWith('.parquet')).length : 0;
    expect(written).toBeGreaterThan(0);
    const session = new Session(dir);
    try {
      const events = (await connect(session, 'events', NATS, { stream: name })) as StreamConnector;
      const resumed = await ingestStream(session, events, { into: 'lake/events', flushMessages: 5000 });
      expect(Number(resumed.cursor?.from)).toBeGreaterThan(0);
      const { connection } = await embeddedDuckDB(session);
      const [row] = (await connection.runAndReadAll(`SELECT count(*) AS n, count(DISTINCT sequence) AS d, max(sequence) AS hi FROM read_parquet('${lake}/*.parquet')`)).getRowObjectsJS();
      expect(row).toEqual({ n: 10_000n, d: 10_000n, hi: 10_000n });
    } finally {
      await session.close();
    }
  }, 150_000);
});
