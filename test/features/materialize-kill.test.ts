import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataKernelError } from '../../src/errors.js';
import { defineFeatures, getOnlineFeatures, materializeFeatures, onlineKeys } from '../../src/features/index.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import { TestMagicContext } from '../helpers/magic-context.js';
import { countKeys } from '../helpers/redis-keys.js';
import { OwnRedisServer } from './redis-server.js';

// A real redis-server killed (SIGKILL) in the middle of a materialize run and started again from its
// append-only file: the run fails naming the server and the fix, readers keep seeing the last complete run,
// and the rerun completes. (materialize.test.ts cuts the connection through a proxy instead.)
const ENTITIES = 40_000;
const prefix = 'dktest:kill:';
const keys = onlineKeys({ name: 'killed', keyPrefix: prefix });

describe('materialize into a Redis that is killed mid-run', () => {
  const ctx = new TestMagicContext();
  const session = ctx.session;
  const server = new OwnRedisServer();
  let probe: Redis;
  const sql = async (text: string) => (await embeddedDuckDB(session)).connection.run(text);
  const clicks = async (users: number[]) => (await getOnlineFeatures('killed', users, { session, redis: server.url })).map((r) => r.clicks);
  const connectProbe = () => {
    probe = new Redis(server.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
  };
  /** Keys of one version of the view, counted by SCAN. */
  const versionKeys = (version: number) => countKeys(probe, `${keys.versionPrefix(version)}*`);
  /** Starts `run` and SIGKILLs the server once `started()` says it is under way; the run's failure. */
  async function killDuring(run: Promise<unknown>, started: () => Promise<boolean>): Promise<unknown> {
    const outcome = run.then(() => null, (error: unknown) => error);
    let done = false;
    void outcome.then(() => (done = true));
    while (!done && !(await started())) await new Promise((resolve) => setTimeout(resolve, 5));
    await server.kill();
    probe.disconnect();
    return outcome;
  }

  beforeAll(async () => {
    await server.start();
    connectProbe();
    await sql(`CREATE TABLE kill_events AS SELECT u AS user_id, now()::TIMESTAMP - INTERVAL (u % 600 + 60) SECOND AS ts, u * 10 AS clicks FROM range(${ENTITIES}) t(u)`);
    await defineFeatures({ name: 'killed', entity: 'user_id', source: 'kill_events', features: ['clicks'], timestamp: 'ts', ttl: '1d', keyPrefix: prefix }, { session });
  }, 60_000);
  afterAll(async () => {
    probe?.disconnect();
    await server.close();
    await session.close();
  });

  it('a full run killed half-way: clear error, the old version stays current and whole, the rerun completes', async () => {
    const first = await materializeFeatures('killed', { session, redis: server.url });
    expect(first).toMatchObject({ mode: 'full', entities: ENTITIES });
    await sql('UPDATE kill_events SET clicks = clicks + 1000000000');

    const failure = await killDuring(materializeFeatures('killed', { session, redis: server.url, full: true }), async () => (await probe.dbsize()) > ENTITIES * 1.2);
    expect(failure).toBeInstanceOf(DataKernelError);
    expect((failure as DataKernelError).message).toMatch(new RegExp(`^Cannot materialize killed into Redis at ${server.url}: .*entities went into version ${first.version + 1}, which readers never see`));
    expect((failure as DataKernelError).hint).toMatch(/Rerun %features materialize killed once Redis answers/);

    await server.start();
    connectProbe();
    expect(await probe.get(keys.current)).toBe(String(first.version));
    expect(await versionKeys(first.version)).toBe(ENTITIES);
    const half = await versionKeys(first.version + 1);
    expect(half).toBeGreaterThan(0);
    expect(half).toBeLessThan(ENTITIES);
    expect(await clicks([0, 7, 20_000, ENTITIES - 1])).toEqual([0, 70, 200_000, (ENTITIES - 1) * 10]);

    const rerun = await materializeFeatures('killed', { session, redis: server.url, full: true });
    expect(rerun).toMatchObject({ mode: 'full', entities: ENTITIES, version: first.version + 2 });
    expect(await clicks([0, 7, 20_000, ENTITIES - 1])).toEqual([1e9, 1e9 + 70, 1e9 + 200_000, 1e9 + (ENTITIES - 1) * 10]);
    // The old version and the killed run's half are gone.
    expect([await versionKeys(first.version), await versionKeys(first.version + 1), await versionKeys(rerun.version)]).toEqual([0, 0, ENTITIES]);
  }, 120_000);

  it('an incremental run killed half-way: whole entities or none, the watermark stays, the rerun writes the rest', async () => {
    const before = await probe.hgetall(keys.meta);
    await sql(`INSERT INTO kill_events SELECT u, now()::TIMESTAMP, -u - 1 FROM range(${ENTITIES}) t(u)`);
    const newTs = Number((await (await embeddedDuckDB(session)).connection.runAndReadAll('SELECT epoch_ms(max(ts)) FROM kill_events')).getRows()[0][0]);
    const execs = async () => Number(/cmdstat_exec:calls=(\d+)/.exec(await probe.info('commandstats'))?.[1] ?? 0);
    const baseline = await execs();
    // Small batches (one MULTI/EXEC each) so the kill lands between many of them.
    const failure = await killDuring(materializeFeatures('killed', { session, redis: server.url, batchRows: 500 }), async () => (await execs()) >= baseline + 10);
    expect(failure).toBeInstanceOf(DataKernelError);
    expect((failure as DataKernelError).message).toMatch(/entities were updated in whole batches; the view's watermark did not move/);

    await server.start();
    connectProbe();
    expect(await probe.hgetall(keys.meta)).toEqual(before);
    // Every entity holds its old clicks with its old event time, or its new clicks with the new one.
    const version = Number(before.version);
    const pipeline = probe.pipeline();
    for (let u = 0; u < ENTITIES; u++) pipeline.hmget(keys.entity(version, String(u)), 'clicks', '_ts');
    const hashes = (await pipeline.exec())!.map(([, value]) => (value as string[]).map(Number));
    const updated = hashes.filter(([c, t], u) => c === -u - 1 && t === newTs).length;
    const untouched = hashes.filter(([c, t], u) => c === 1e9 + u * 10 && t < newTs).length;
    expect(updated + untouched).toBe(ENTITIES);
    expect(updated).toBeGreaterThan(0);
    expect(updated).toBeLessThan(ENTITIES);

    const resumed = await materializeFeatures('killed', { session, redis: server.url });
    expect(resumed).toMatchObject({ mode: 'incremental', version, entities: ENTITIES });
    expect(await clicks([0, 7, ENTITIES - 1])).toEqual([-1, -8, -ENTITIES]);
    expect((await probe.hgetall(keys.meta)).watermark).toBe(new Date(newTs).toISOString());
  }, 120_000);
});
