import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataKernelError } from '../../src/errors.js';
import { defineFeatures, getOnlineFeatures, materializeFeatures, onlineKeys } from '../../src/features/index.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import { TestMagicContext } from '../helpers/magic-context.js';
import { dropKeys } from '../helpers/redis-keys.js';
import { CuttableRedisProxy } from './redis-proxy.js';

// 1M entities is bench/features-materialize.ts; a loaded CI machine writes about 10k entities/s.
const ENTITIES = 30_000;
const prefix = `dktest:fv:${process.pid}:${Date.now()}:`;

describe('materialize feature views into a real Redis', () => {
  const ctx = new TestMagicContext();
  const session = ctx.session;
  const redis = new Redis('redis://127.0.0.1:6379');
  const sql = async (text: string) => (await embeddedDuckDB(session)).connection.run(text);
  const rows = async (text: string) => (await (await embeddedDuckDB(session)).connection.runAndReadAll(text)).getRowObjectsJS();

  beforeAll(async () => {
    // Three events per user; the last one (largest ts) holds the values to serve. Every 10th user's last clicks are NULL.
    await sql(`CREATE TABLE fv_events AS
      SELECT u AS user_id, now()::TIMESTAMP - INTERVAL (3 - e) HOUR - INTERVAL (u % 600) SECOND AS ts,
             CASE WHEN e = 2 AND u % 10 = 0 THEN NULL ELSE u * 10 + e END AS clicks, (u % 7 + e)::DOUBLE / 4 AS spend, 'seg' || (u % 3) AS segment
      FROM range(${ENTITIES}) t(u), range(3) s(e)`);
  });
  afterAll(async () => {
    await dropKeys(redis, `${prefix}*`);
    redis.disconnect();
    await session.close();
  });

  it('writes the latest value per entity, then only what changed, keeping readers on whole versions', async () => {
    await defineFeatures({ name: 'users', entity: 'user_id', source: 'fv_events', features: ['clicks', 'spend', 'segment'], timestamp: 'ts', ttl: '1d', keyPrefix: prefix }, { session });
    const first = await materializeFeatures('users', { session });
    expect(first).toMatchObject({ mode: 'full', entities: ENTITIES, expired: 0 });
    const keys = onlineKeys({ name: 'users', keyPrefix: prefix });
    expect(await redis.get(keys.current)).toBe(String(first.version));
    const got = await getOnlineFeatures('users', [7, 10, 29_999, -1], { session });
    expect(got).toEqual([
      { user_id: 7, clicks: 72, spend: (7 % 7 + 2) / 4, segment: 'seg1', found: true },
      { user_id: 10, clicks: null, spend: (10 % 7 + 2) / 4, segment: 'seg1', found: true },
      { user_id: 29_999, clicks: 299_992, spend: (29_999 % 7 + 2) / 4, segment: `seg${29_999 % 3}`, found: true },
      { user_id: -1, clicks: null, spend: null, segment: null, found: false },
    ]);
    // Expiry follows the event time: user 7's last event is 1h 7s old, TTL one day.
    const pttl = await redis.pttl(keys.entity(first.version, '7'));
    expect(pttl).toBeGreaterThan(23 * 3600_000 - 7_000 - 60_000);
    expect(pttl).toBeLessThan(23 * 3600_000 - 7_000 + 1000);

    await sql(`INSERT INTO fv_events VALUES (7, now()::TIMESTAMP, 1, 0.5, 'new'), (10, now()::TIMESTAMP, 5, NULL, 'seg1'), (12, now()::TIMESTAMP - INTERVAL 5 HOUR, 999, 9, 'old')`);
    const second = await materializeFeatures('users', { session });
    // user 12's new event is older than what was materialized: not a change; 7 and 10 are.
    expect(second).toMatchObject({ mode: 'incremental', version: first.version, entities: 2 });
    const after = await getOnlineFeatures('users', [7, 10, 12], { session });
    expect(after.map((r) => [r.clicks, r.spend, r.segment])).toEqual([
      [1, 0.5, 'new'],
      [5, null, 'seg1'],
      [122, (12 % 7 + 2) / 4, 'seg0'],
    ]);
    const again = await materializeFeatures('users', { session });
    expect(again).toMatchObject({ mode: 'incremental', entities: 0 });
  });

  it('writes every entity while other queries run on the session\'s connection', async () => {
    // A streamed read ended early when another query ran in between: the entities after it went unwritten.
    let done = false;
    const meanwhile = (async () => {
      while (!done) await rows('SELECT 1 AS x');
    })();
    const result = await materializeFeatures('users', { session, full: true }).finally(() => (done = true));
    await meanwhile;
    expect(result).toMatchObject({ mode: 'full', entities: ENTITIES, expired: 0 });
  });

  it('leaves out values past their TTL and lets Redis expire the rest', async () => {
    await sql(`CREATE TABLE fv_short AS SELECT * FROM (VALUES ('a', now()::TIMESTAMP - INTERVAL 500 MILLISECOND, 1), ('b', now()::TIMESTAMP - INTERVAL 1 HOUR, 2)) t(k, ts, v)`);
    await defineFeatures({ name: 'short', entity: 'k', source: 'fv_short', features: ['v'], timestamp: 'ts', ttl: '4s', keyPrefix: prefix }, { session });
    const result = await materializeFeatures('short', { session });
    expect(result).toMatchObject({ entities: 1, expired: 1 });
    expect((await getOnlineFeatures('short', ['a', 'b'], { session })).map((r) => r.v)).toEqual([1, null]);
    const pttl = await redis.pttl(onlineKeys({ name: 'short', keyPrefix: prefix }).entity(result.version, 'a'));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(3500);
    await new Promise((resolve) => setTimeout(resolve, pttl + 100));
    expect((await getOnlineFeatures('short', ['a'], { session }))[0]).toMatchObject({ v: null, found: false });
  });

  it('a Redis that goes away mid-run: clear error, readers keep the last complete version, the rerun completes', async () => {
    const proxy = new CuttableRedisProxy();
    const url = await proxy.start();
    try {
      await sql(`CREATE TABLE fv_cut AS SELECT * FROM fv_events WHERE user_id < 10000`);
      await defineFeatures({ name: 'cut', entity: 'user_id', source: 'fv_cut', features: ['clicks'], timestamp: 'ts', ttl: '1d', keyPrefix: prefix }, { session });
      const first = await materializeFeatures('cut', { session, redis: url });
      const keys = onlineKeys({ name: 'cut', keyPrefix: prefix });
      await sql(`UPDATE fv_cut SET clicks = clicks + 1000000000`);

      proxy.cutAfter(300_000);
      const failure = await materializeFeatures('cut', { session, redis: url, full: true }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(DataKernelError);
      expect((failure as DataKernelError).message).toMatch(new RegExp(`Cannot materialize cut into Redis at ${url}.*readers never see`));
      expect((failure as DataKernelError).hint).toMatch(/Rerun %features materialize cut/);
      // Readers still get the whole old version.
      expect(await redis.get(keys.current)).toBe(String(first.version));
      expect((await getOnlineFeatures('cut', [5, 5_001], { session }))[1].clicks).toBe(50_012);

      proxy.restore();
      const rerun = await materializeFeatures('cut', { session, redis: url, full: true });
      expect(rerun.mode).toBe('full');
      expect(rerun.entities).toBe(10_000);
      expect(rerun.version).toBeGreaterThan(first.version + 1);
      expect((await getOnlineFeatures('cut', [5_001], { session }))[0].clicks).toBe(1_000_050_012);
      // The old version and the cut run's leftovers are gone.
      const [, stale] = await redis.scan('0', 'MATCH', `${keys.base}${first.version}:*`, 'COUNT', 1_000_000);
      expect(stale).toEqual([]);

      // An incremental run cut short leaves the watermark where it was; the rerun writes the same changes again.
      await sql(`INSERT INTO fv_cut SELECT user_id, now()::TIMESTAMP, -user_id, spend, segment FROM fv_events WHERE user_id < 2000`);
      proxy.cutAfter(100_000);
      await expect(materializeFeatures('cut', { session, redis: url })).rejects.toThrow(/watermark did not move/);
      proxy.restore();
      const meta = await redis.hgetall(keys.meta);
      expect(meta.watermark).toBe(rerun.watermark);
      const resumed = await materializeFeatures('cut', { session, redis: url });
      expect(resumed).toMatchObject({ mode: 'incremental', entities: 2_000 });
      expect((await getOnlineFeatures('cut', [1_999, 2_001], { session })).map((r) => r.clicks)).toEqual([-1_999, 1_000_020_012]);
    } finally {
      await proxy.close();
    }
  });

  it('two runs at once: the one that lost the race fails clearly, readers stay on the winner, whose keys are never dropped', async () => {
    await sql(`CREATE TABLE fv_race AS SELECT u AS k, now()::TIMESTAMP - INTERVAL (u) SECOND AS ts, u * 2 AS v FROM range(50) t(u)`);
    await defineFeatures({ name: 'race', entity: 'k', source: 'fv_race', features: ['v'], timestamp: 'ts', keyPrefix: prefix }, { session });
    const keys = onlineKeys({ name: 'race', keyPrefix: prefix });
    const first = await materializeFeatures('race', { session });
    // Another run took a later version and published it while ours (handed an earlier number) was writing.
    const winner = first.version + 10;
    await redis.hset(keys.entity(winner, '3'), 'v', '6', '_ts', String(Date.now()));
    await redis.set(keys.current, String(winner));
    const full = await materializeFeatures('race', { session, full: true }).catch((e: unknown) => e);
    expect(full).toBeInstanceOf(DataKernelError);
    expect(String(full)).toMatch(new RegExp(`Another materialize of race made version ${winner} current while this one wrote version ${first.version + 1}`));
    expect(await redis.get(keys.current)).toBe(String(winner));
    expect(await redis.exists(keys.entity(winner, '3'))).toBe(1);
    // The winner took its number from the same counter, after ours.
    await redis.set(keys.versions, String(winner));
    // A later full run wins and drops the older versions, the winner's and the loser's.
    const last = await materializeFeatures('race', { session, full: true });
    expect(last.version).toBeGreaterThan(winner);
    expect(await redis.get(keys.current)).toBe(String(last.version));
    expect(await redis.exists(keys.entity(winner, '3'))).toBe(0);
  });

  it('names an unreachable Redis and the fix', async () => {
    await expect(materializeFeatures('users', { session, redis: 'redis://:hunter2@127.0.0.1:1' })).rejects.toThrow(/Cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
    await expect(materializeFeatures('users', { session, redis: 'redis://:hunter2@127.0.0.1:1' })).rejects.not.toThrow(/hunter2/);
  });

  it('checks definitions against the source', async () => {
    await expect(defineFeatures({ name: 'bad', entity: 'user_id', source: 'fv_events', features: ['nope'], timestamp: 'ts' }, { session })).rejects.toThrow(/has no column nope/);
    await expect(defineFeatures({ name: 'bad', entity: 'user_id', source: 'fv_events', features: ['clicks'], timestamp: 'spend' }, { session })).rejects.toThrow(/event-time column spend is DOUBLE/);
    await expect(defineFeatures({ name: 'bad', entity: 'user_id', source: 'fv_events', features: ['clicks'], timestamp: 'ts', ttl: 'soon' }, { session })).rejects.toThrow(/Cannot read ttl/);
    const fromQuery = await defineFeatures({ name: 'q', entity: 'user_id', source: 'SELECT user_id, ts, clicks * 2 AS double_clicks FROM fv_events', features: ['double_clicks'], timestamp: 'ts' }, { session });
    expect(fromQuery.types.double_clicks).toBe('BIGINT');
    expect(await rows(`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
  });
});
