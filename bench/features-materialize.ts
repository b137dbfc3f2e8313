// Materialize throughput: `materializeFeatures` (latest row per entity computed in DuckDB, streamed out in
// chunks, pipelined HSET + PEXPIREAT into a new key-space version, then the pointer flip) against a plain
// ioredis pipeline writing the same hashes from JS arrays that are already in memory (no query at all), same
// Redis, same run. Target: >= 0.8x the plain pipeline's rows/s. BENCH_QUICK=1: 100k entities.
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { defineFeatures, materializeFeatures } from '../src/features/index.js';
import { Session } from '../src/session/session.js';
import { embeddedDuckDB } from '../src/sql/duckdb.js';
import { dropKeys } from '../test/helpers/redis-keys.js';

const QUICK = process.env.BENCH_QUICK === '1';
const ENTITIES = QUICK ? 100_000 : 1_000_000;
const prefix = `bench:fv:${process.pid}:`;
const redis = new Redis('redis://127.0.0.1:6379');

const dropOurKeys = () => dropKeys(redis, `${prefix}*`);

async function plainPipeline(): Promise<number> {
  const now = Date.now();
  const rows = Array.from({ length: ENTITIES }, (_, u) => [String(u), String(now - (u % 600) * 1000), String(u * 10 + 2), String(((u % 7) + 2) / 4), `seg${u % 3}`]);
  const started = performance.now();
  const inFlight: Promise<unknown>[] = [];
  for (let start = 0; start < rows.length; start += 2048) {
    const pipeline = redis.pipeline();
    for (const [u, t, clicks, spend, segment] of rows.slice(start, start + 2048)) {
      const key = `${prefix}plain:${u}`;
      pipeline.hset(key, '_ts', t, 'clicks', clicks, 'spend', spend, 'segment', segment);
      pipeline.pexpireat(key, Number(t) + 86_400_000);
    }
    inFlight.push(pipeline.exec());
    if (inFlight.length >= 4) await inFlight.shift();
  }
  await Promise.all(inFlight);
  return ENTITIES / ((performance.now() - started) / 1000);
}

async function materialized(): Promise<number> {
  const session = new Session(mkdtempSync(join(tmpdir(), 'dk-bench-fv-')));
  const { connection } = await embeddedDuckDB(session);
  await connection.run(`CREATE TABLE events AS SELECT u AS user_id, now()::TIMESTAMP - INTERVAL (3 - e) HOUR - INTERVAL (u % 600) SECOND AS ts,
    u * 10 + e AS clicks, (u % 7 + e)::DOUBLE / 4 AS spend, 'seg' || (u % 3) AS segment FROM range(${ENTITIES}) t(u), range(3) s(e)`);
  await defineFeatures({ name: 'users', entity: 'user_id', source: 'events', features: ['clicks', 'spend', 'segment'], timestamp: 'ts', ttl: '1d', keyPrefix: prefix }, { session });
  const started = performance.now();
  const result = await materializeFeatures('users', { session });
  const seconds = (performance.now() - started) / 1000;
  if (result.entities !== ENTITIES) throw new Error(`materialized ${result.entities} of ${ENTITIES}`);
  await session.close();
  return ENTITIES / seconds;
}

try {
  await dropOurKeys();
  const reference = await plainPipeline();
  await dropOurKeys();
  const ours = await materialized();
  console.log(`features materialize (${ENTITIES.toLocaleString('en-US')} entities, 3 events each, load ${loadavg()[0].toFixed(1)}): ${Math.round(ours)} rows/s (${(ours / reference).toFixed(2)}x vs plain ioredis pipeline ${Math.round(reference)} rows/s; target >= 0.8x)`);
} finally {
  await dropOurKeys();
  redis.disconnect();
}
