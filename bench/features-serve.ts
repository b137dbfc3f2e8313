// Online lookup + predict against predict with every feature in the request: one trained model served twice
// (two servers), 16 concurrent clients each sending one-row TF Serving REST requests back to back. The lookup
// server reads the view's features from Redis (one pipeline per request) before predicting. Reports p50/p99 of
// both in the same run. Target: lookup p99 within 1 ms of the all-features p99. BENCH_QUICK=1: fewer requests.
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { defineFeatures, materializeFeatures, OnlineFeatureReader } from '../src/features/index.js';
import { loadCachedModel, train } from '../src/ml/index.js';
import { withFeatureLookup } from '../src/serve/feature-lookup.js';
import { InferenceServer } from '../src/serve/index.js';
import { Session } from '../src/session/session.js';
import { embeddedDuckDB } from '../src/sql/duckdb.js';
import { dropKeys } from '../test/helpers/redis-keys.js';

const QUICK = process.env.BENCH_QUICK === '1';
const CLIENTS = 16;
const PER_CLIENT = QUICK ? 100 : 500;
const USERS = 10_000;
const prefix = `bench:fvserve:${process.pid}:`;

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function load(url: string, body: (client: number, i: number) => unknown): Promise<{ p50: number; p99: number }> {
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let i = 0; i < PER_CLIENT; i++) {
        const started = performance.now();
        const response = await fetch(url, { method: 'POST', body: JSON.stringify(body(c, i)) });
        if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
        await response.arrayBuffer();
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

const session = new Session(mkdtempSync(join(tmpdir(), 'dk-bench-fvserve-')));
const servers: InferenceServer[] = [];
try {
  const { connection } = await embeddedDuckDB(session);
  await connection.run(`CREATE TABLE stats AS SELECT u AS user_id, now()::TIMESTAMP AS ts, (u % 13)::DOUBLE AS visits, ((u * 7) % 100) / 10.0 AS spend FROM range(${USERS}) t(u);
    CREATE TABLE examples AS SELECT visits, spend, (user_id % 5)::DOUBLE AS z, 2 * visits - spend + (user_id % 5) AS y FROM stats;`);
  await train({ session, name: 'bench_lookup', data: 'examples', target: 'y', features: ['visits', 'spend', 'z'], model: 'linear' });
  await defineFeatures({ name: 'bench_stats', entity: 'user_id', source: 'stats', features: ['visits', 'spend'], timestamp: 'ts', keyPrefix: prefix }, { session });
  const materialized = await materializeFeatures('bench_stats', { session });
  if (materialized.entities !== USERS) throw new Error(`materialized ${JSON.stringify(materialized)}`);
  const model = await loadCachedModel(session, 'bench_lookup');
  const full = await new InferenceServer({ port: 0 }).listen();
  full.repository.add(model);
  const lookup = await new InferenceServer({ port: 0 }).listen();
  lookup.repository.add(withFeatureLookup(model, await OnlineFeatureReader.open(['bench_stats'], { session, longLived: true })));
  servers.push(full, lookup);
  const user = (c: number, i: number) => (c * 7919 + i * 104729) % USERS;
  const allFeatures = (c: number, i: number) => ({ instances: [{ visits: user(c, i) % 13, spend: ((user(c, i) * 7) % 100) / 10, z: i % 5 }] });
  const keysOnly = (c: number, i: number) => ({ instances: [{ user_id: user(c, i), z: i % 5 }] });
  // Warm both (JIT, connections) before measuring.
  await load(`${full.url}/v1/models/bench_lookup:predict`, allFeatures);
  await load(`${lookup.url}/v1/models/bench_lookup:predict`, keysOnly);
  const reference = await load(`${full.url}/v1/models/bench_lookup:predict`, allFeatures);
  const ours = await load(`${lookup.url}/v1/models/bench_lookup:predict`, keysOnly);
  const label = `${CLIENTS} clients x ${PER_CLIENT} one-row requests, load ${loadavg()[0].toFixed(1)}`;
  console.log(`features serve p50 (${label}): ${ours.p50.toFixed(2)} ms (${(ours.p50 / reference.p50).toFixed(2)}x vs all features in the request ${reference.p50.toFixed(2)} ms)`);
  console.log(`features serve p99 (${label}): ${ours.p99.toFixed(2)} ms (${(ours.p99 / reference.p99).toFixed(2)}x vs all features in the request ${reference.p99.toFixed(2)} ms; +${(ours.p99 - reference.p99).toFixed(2)} ms, target <= +1 ms)`);
} finally {
  for (const server of servers) await server.close();
  const redis = new Redis('redis://127.0.0.1:6379');
  await dropKeys(redis, `${prefix}*`);
  redis.disconnect();
  await session.close();
}
