import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { defineFeatures, getOnlineFeatures, materializeFeatures, onlineKeys } from '../../src/features/index.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import { TestMagicContext } from '../helpers/magic-context.js';
import { countKeys, dropKeys } from '../helpers/redis-keys.js';

// The size: one million entities materialized into the real Redis, checked by count, sampled values and
// TTLs, then 2% of them updated and materialized incrementally.
const ENTITIES = 1_000_000;
const prefix = `dktest:fv1m:${process.pid}:`;
const keys = onlineKeys({ name: 'million', keyPrefix: prefix });
const HOUR = 3_600_000;

describe('materialize a million entities into the real Redis', () => {
  const ctx = new TestMagicContext();
  const session = ctx.session;
  const redis = new Redis('redis://127.0.0.1:6379');
  const sql = async (text: string) => (await embeddedDuckDB(session)).connection.run(text);
  const sample = Array.from({ length: 2000 }, (_, i) => (i * 499_979) % ENTITIES);
  const versionKeys = (version: number) => countKeys(redis, `${keys.versionPrefix(version)}*`);

  afterAll(async () => {
    await dropKeys(redis, `${prefix}*`);
    redis.disconnect();
    await session.close();
  });

  it('writes every entity with its latest values and TTL, then only the updated ones', async () => {
    // Two events per tenth user (the later one counts), the event time u % 3600 seconds more than 2 hours ago.
    await sql(`CREATE TABLE million AS
      SELECT u AS user_id, now()::TIMESTAMP - INTERVAL 2 HOUR - INTERVAL (u % 3600) SECOND AS ts, u % 1000 AS score, 'g' || (u % 7) AS grp FROM range(${ENTITIES}) t(u)
      UNION ALL SELECT u, now()::TIMESTAMP - INTERVAL 5 HOUR, -1, 'stale' FROM range(0, ${ENTITIES}, 10) t(u)`);
    await defineFeatures({ name: 'million', entity: 'user_id', source: 'million', features: ['score', 'grp'], timestamp: 'ts', ttl: '1d', keyPrefix: prefix }, { session });
    const started = Date.now();
    const full = await materializeFeatures('million', { session });
    const seconds = (Date.now() - started) / 1000;
    expect(full).toMatchObject({ mode: 'full', entities: ENTITIES, expired: 0 });
    console.log(`materialized ${ENTITIES} entities in ${seconds.toFixed(1)} s (${Math.round(ENTITIES / seconds)} entities/s)`);
    expect(await versionKeys(full.version)).toBe(ENTITIES);

    const got = await getOnlineFeatures('million', sample, { session });
    expect(got).toEqual(sample.map((u) => ({ user_id: u, score: u % 1000, grp: `g${u % 7}`, found: true })));
    // Each key expires a day after its event time.
    const pipeline = redis.pipeline();
    for (const u of sample) pipeline.pexpiretime(keys.entity(full.version, String(u)));
    const expireAt = (await pipeline.exec())!.map(([, value]) => Number(value));
    const eventTime = (u: number) => started - 2 * HOUR - (u % 3600) * 1000;
    expect(expireAt.every((at, i) => Math.abs(at - (eventTime(sample[i]) + 24 * HOUR)) < 120_000)).toBe(true);

    await sql(`INSERT INTO million SELECT u, now()::TIMESTAMP, u % 1000 + 5000, 'new' FROM range(0, ${ENTITIES}, 50) t(u)`);
    const incremental = await materializeFeatures('million', { session });
    expect(incremental).toMatchObject({ mode: 'incremental', version: full.version, entities: ENTITIES / 50 });
    const after = await getOnlineFeatures('million', sample, { session });
    expect(after.map((r) => [r.score, r.grp])).toEqual(sample.map((u) => (u % 50 === 0 ? [(u % 1000) + 5000, 'new'] : [u % 1000, `g${u % 7}`])));
    expect(await versionKeys(full.version)).toBe(ENTITIES);
  }, 600_000);
});
