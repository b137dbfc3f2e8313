import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineFeatures, materializeFeatures } from '../../src/features/index.js';
import { loadModel, resolveModelDir, train } from '../../src/ml/index.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import { TestMagicContext } from '../helpers/magic-context.js';
import { failedServe, freePort, startServeProcess, type ServeProcess } from '../helpers/serve-process.js';

// `datakernel serve --features` in a new process (two cluster workers, each reading the views from the project's
// catalog and its features from the real Redis), compared with the model fed every feature in this process.

const prefix = `dktest:cli-fv:${process.pid}:${Date.now()}:`;
const USERS = 300;

const post = async (url: string, body: unknown) => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, any> };
};

describe('datakernel serve --features', () => {
  const ctx = new TestMagicContext();
  const session = ctx.session;
  const redis = new Redis('redis://127.0.0.1:6379');
  const logPath = () => join(session.projectDir, 'served.jsonl');
  let served: ServeProcess;
  let url: string;
  // The user's latest features, as the materialized view holds them.
  const latest = (u: number) => ({ visits: (u % 13) + 1, spend: ((u * 7) % 100) / 10 });

  beforeAll(async () => {
    const build = new Promise<void>((done, fail) => spawn('npm', ['run', '--silent', 'build'], { stdio: 'inherit' }).on('exit', (code) => (code === 0 ? done() : fail(new Error(`npm run build exited ${code}`)))));
    const { connection } = await embeddedDuckDB(session);
    // Two events per user: the earlier one's values are stale (visits one lower, spend negative).
    await connection.run(`
      CREATE TABLE cli_stats AS SELECT u AS user_id, TIMESTAMP '2025-03-01' + INTERVAL (e) DAY AS ts,
        (u % 13) + e AS visits, CASE WHEN e = 1 THEN ((u * 7) % 100) / 10.0 ELSE -1.0 END AS spend FROM range(${USERS}) t(u), range(2) s(e);
      CREATE TABLE cli_examples AS SELECT (u % 13) + 1 AS visits, ((u * 7) % 100) / 10.0 AS spend, (u % 4)::DOUBLE AS z,
        2 * ((u % 13) + 1) - ((u * 7) % 100) / 10.0 + 3 * (u % 4) AS y FROM range(${USERS}) t(u);`);
    await train({ session, name: 'cli_model', data: 'cli_examples', target: 'y', features: ['visits', 'spend', 'z'], model: 'linear' });
    await defineFeatures({ name: 'cli_stats', entity: 'user_id', source: 'cli_stats', features: ['visits', 'spend'], timestamp: 'ts', keyPrefix: prefix }, { session });
    // A view the model takes nothing from.
    await defineFeatures({ name: 'cli_other', entity: 'user_id', source: 'SELECT user_id, ts, visits * 2 AS doubled FROM cli_stats', features: ['doubled'], timestamp: 'ts', keyPrefix: prefix }, { session });
    await materializeFeatures('cli_stats', { session });
    await build;
    const port = await freePort();
    served = await startServeProcess(
      ['--model-dir', join(session.stateDir, 'models'), '--features', 'cli_stats', '--port', String(port), '--workers', '2', '--log-inputs', logPath()],
      /datakernel serve: cli_model@1 \(features from cli_stats\) at (\S+) \(2 workers\)/,
    );
    url = served.ready[1];
  }, 240_000);
  afterAll(async () => {
    await served?.stop();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.unlink(...keys);
    redis.disconnect();
    await session.close();
  });

  const expected = async (requests: { user_id: number; z: number }[]) => {
    const model = await loadModel(resolveModelDir(session, 'cli_model'));
    return (await model.predictRows(requests.map((r) => ({ ...latest(r.user_id), z: r.z })))).map((p) => p.prediction);
  };

  it('answers TF Serving REST and Open Inference V2 requests that carry only user_id and z', async () => {
    const requests = [{ user_id: 4, z: 1 }, { user_id: 123, z: 3 }, { user_id: 299, z: 0 }];
    const tf = await post(`${url}/v1/models/cli_model:predict`, { instances: requests });
    expect(tf.status).toBe(200);
    expect(tf.json.predictions).toEqual(await expected(requests));
    const v2 = await post(`${url}/v2/models/cli_model/infer`, {
      inputs: [
        { name: 'user_id', shape: [3], datatype: 'INT64', data: requests.map((r) => r.user_id) },
        { name: 'z', shape: [3], datatype: 'FP64', data: requests.map((r) => r.z) },
      ],
    });
    expect(v2.status).toBe(200);
    expect(v2.json.outputs[0].data).toEqual(await expected(requests));
    const metadata = await (await fetch(`${url}/v2/models/cli_model`)).json();
    expect(metadata.inputs.map((i: { name: string }) => i.name)).toEqual(['user_id', 'z']);
  });

  it('an unknown entity gets 404 naming it; 16 concurrent clients get their own users\' predictions', async () => {
    const unknown = await post(`${url}/v1/models/cli_model:predict`, { instances: [{ user_id: 1, z: 1 }, { user_id: 5000, z: 1 }] });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatch(/No features for user_id=5000 in feature view cli_stats \(row 1\)/);
    const clients = Array.from({ length: 16 }, async (_, c) => {
      const right: boolean[] = [];
      for (let i = 0; i < 6; i++) {
        const requests = [{ user_id: (c * 17 + i * 5) % USERS, z: i % 4 }];
        const { status, json } = await post(`${url}/v1/models/cli_model:predict`, { instances: requests });
        right.push(status === 200 && JSON.stringify(json.predictions) === JSON.stringify(await expected(requests)));
      }
      return right;
    });
    expect((await Promise.all(clients)).flat().every(Boolean)).toBe(true);
  });

  it('logs the looked-up features with each prediction, for %drift', async () => {
    const logged = readFileSync(logPath(), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    const first = logged.find((r) => r.user_id === 123);
    expect(first).toMatchObject({ user_id: 123, ...latest(123), z: 3, _model: 'cli_model' });
  });

  it('refuses views it cannot use, naming them', async () => {
    const base = ['--model-dir', join(session.stateDir, 'models'), '--port', String(await freePort()), '--workers', '1'];
    const unknown = await failedServe([...base, '--features', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No feature view named nope.*Known views: cli_other, cli_stats/s);
    const noRedis = await failedServe([...base, '--features', 'cli_stats', '--redis', 'redis://:sekrit@127.0.0.1:1']);
    expect(noRedis.code).toBe(1);
    expect(noRedis.stderr).toMatch(/Cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
    expect(noRedis.stderr).not.toMatch(/sekrit/);
    const unused = await failedServe([...base, '--features', 'cli_other']);
    expect(unused.code).toBe(1);
    expect(unused.stderr).toMatch(/No model under .* takes a feature of cli_other.*The models take visits, spend, z/s);
    const stray = await failedServe([...base, '--redis', 'redis://127.0.0.1:6379']);
    expect(stray.stderr).toMatch(/--project and --redis go with --features/);
  }, 60_000);
});
