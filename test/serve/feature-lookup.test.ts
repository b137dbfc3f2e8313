import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnlineFeatureReader } from '../../src/features/index.js';
import { loadCachedModel } from '../../src/ml/predict.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import { TestMagicContext } from '../helpers/magic-context.js';

const prefix = `dktest:serve-fv:${process.pid}:${Date.now()}:`;

async function post(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: response.status, json: await response.json() };
}

describe('%serve --features: requests carry entity keys, features come from Redis', () => {
  const ctx = new TestMagicContext();
  const redis = new Redis('redis://127.0.0.1:6379');
  let url: string;
  let latest: Map<number, { x1: number; x2: number | null }>;
  const log = () => join(ctx.session.projectDir, 'served.jsonl');

  beforeAll(async () => {
    const { connection } = await embeddedDuckDB(ctx.session);
    // fs_a holds x1 for users 0-199 (two events each, the later one counts); fs_b holds x2 for users < 100 and
    // declares a default for the others.
    await connection.run(`
      CREATE TABLE fs_a AS SELECT u AS user_id, TIMESTAMP '2024-01-01' + INTERVAL (e) HOUR AS ts, (u * 0.37 + e) % 10 AS x1 FROM range(200) t(u), range(2) s(e);
      CREATE TABLE fs_b AS SELECT u AS user_id, TIMESTAMP '2024-01-01' + INTERVAL 30 MINUTE AS ts, (u * 1.3) % 7 AS x2 FROM range(100) t(u);
      CREATE TABLE fs_labels AS SELECT u % 200 AS user_id, TIMESTAMP '2024-01-01' + INTERVAL 2 HOUR AS ts, (u % 5)::DOUBLE AS z FROM range(400) t(u);`);
    await ctx.magic('features', 'define fs_a --source fs_a --entity user_id --timestamp ts --features x1 --prefix ' + prefix);
    await ctx.magic('features', `define fs_b --source fs_b --entity user_id --timestamp ts --features x2 --prefix ${prefix} --defaults '{"x2": 0}'`);
    await ctx.magic('features', 'training-set --entities fs_labels --features fs_a,fs_b -o train');
    await connection.run(`CREATE TABLE fs_train AS SELECT *, 3 * x1 - coalesce(x2, 0) + 2 * z AS y FROM ${(ctx.getVariable('train') as { relation: string }).relation}`);
    await ctx.magic('train', 'fs_model --data fs_train --target y --features x1,x2,z');
    await ctx.magic('features', 'materialize fs_a');
    await ctx.magic('features', 'materialize fs_b');
    const rows = (await connection.runAndReadAll('SELECT a.user_id, a.x1, b.x2 FROM (SELECT * FROM fs_a QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY ts DESC) = 1) a LEFT JOIN fs_b b USING (user_id)')).getRowObjectsJS();
    latest = new Map(rows.map((r) => [Number(r.user_id), { x1: r.x1 as number, x2: r.x2 as number | null }]));
    const served = (await ctx.magic('serve', `fs_model --port 0 --features fs_a,fs_b --log-inputs served.jsonl`)) as { url: string };
    url = served.url;
  });
  afterAll(async () => {
    await ctx.magic('serve', '--stop fs_model').catch(() => {});
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.unlink(...keys);
    redis.disconnect();
    await ctx.session.close();
  });

  /** What the model predicts when sent every feature itself. */
  async function expected(requests: { user_id: number; z: number }[]) {
    const model = await loadCachedModel(ctx.session, 'fs_model');
    const rows = requests.map((r) => ({ x1: latest.get(r.user_id)!.x1, x2: latest.get(r.user_id)!.x2 ?? 0, z: r.z }));
    return (await model.predictRows(rows)).map((p) => p.prediction as number);
  }

  it('TF Serving REST: rows with only user_id and z predict as with all features sent', async () => {
    const requests = [{ user_id: 3, z: 1 }, { user_id: 150, z: 4 }, { user_id: 99, z: 0 }];
    const { status, json } = await post(`${url}/v1/models/fs_model:predict`, { instances: requests });
    expect(status).toBe(200);
    expect(json.predictions).toEqual(await expected(requests));
    const metadata = await (await fetch(`${url}/v1/models/fs_model/metadata`)).json();
    expect(Object.keys(metadata.metadata.signature_def.signature_def.serving_default.inputs)).toEqual(['user_id', 'z']);
    // The log holds what the model saw: looked-up features included, the default for user 150.
    const logged = readFileSync(log(), 'utf8').trim().split('\n').map((line) => JSON.parse(line)).slice(-3);
    expect(logged.map((r) => [r.user_id, r.x1, r.x2, r.z])).toEqual(requests.map((r) => [r.user_id, latest.get(r.user_id)!.x1, latest.get(r.user_id)!.x2 ?? 0, r.z]));
  });

  it('Open Inference V2: tensors of entity keys and request-time features', async () => {
    const requests = [{ user_id: 10, z: 2 }, { user_id: 11, z: 3 }];
    const { status, json } = await post(`${url}/v2/models/fs_model/infer`, {
      inputs: [
        { name: 'user_id', shape: [2], datatype: 'INT64', data: requests.map((r) => r.user_id) },
        { name: 'z', shape: [2], datatype: 'FP32', data: requests.map((r) => r.z) },
      ],
    });
    expect(status).toBe(200);
    expect(json.outputs[0].data).toEqual(await expected(requests));
  });

  it('an unknown entity gets 404 naming it on both protocols; the server keeps serving', async () => {
    const tf = await post(`${url}/v1/models/fs_model:predict`, { instances: [{ user_id: 5, z: 1 }, { user_id: 4242, z: 1 }] });
    expect(tf.status).toBe(404);
    expect(tf.json.error).toMatch(/No features for user_id=4242 in feature view fs_a \(row 1\)/);
    const v2 = await post(`${url}/v2/models/fs_model/infer`, { inputs: [{ name: 'user_id', shape: [1], datatype: 'INT64', data: [-7] }, { name: 'z', shape: [1], datatype: 'FP32', data: [1] }] });
    expect(v2.status).toBe(404);
    const missingKey = await post(`${url}/v1/models/fs_model:predict`, { instances: [{ z: 1 }] });
    expect(missingKey.status).toBe(400);
    expect(missingKey.json.error).toMatch(/Missing required feature 'user_id'/);
    expect((await post(`${url}/v1/models/fs_model:predict`, { instances: [{ user_id: 5, z: 1 }] })).status).toBe(200);
  });

  it('16 concurrent clients each get their own entities\' predictions', async () => {
    const clients = Array.from({ length: 16 }, async (_, c) => {
      const answers: boolean[] = [];
      for (let i = 0; i < 8; i++) {
        const requests = [{ user_id: (c * 13 + i * 7) % 200, z: i % 5 }, { user_id: (c * 31 + i) % 200, z: c % 5 }];
        const { status, json } = await post(`${url}/v1/models/fs_model:predict`, { instances: requests });
        answers.push(status === 200 && JSON.stringify(json.predictions) === JSON.stringify(await expected(requests)));
      }
      return answers;
    });
    expect((await Promise.all(clients)).flat().every(Boolean)).toBe(true);
  });

  it('a fresh reader answers its first batches right when they arrive together', async () => {
    const reader = await OnlineFeatureReader.open(['fs_a'], { session: ctx.session });
    try {
      const batches = await Promise.all(Array.from({ length: 16 }, (_, i) => reader.read([{ user_id: i * 11 }])));
      expect(batches.map(([row]) => [row.missing, row.values.x1])).toEqual(Array.from({ length: 16 }, (_, i) => [[], latest.get(i * 11)!.x1]));
    } finally {
      reader.close();
    }
  });

  it('%drift compares served features with the training set', async () => {
    await ctx.magic('drift', `fs_train served.jsonl --columns x1,z -o report`);
    const report = ctx.getVariable('report') as { columns: { column: string }[] };
    expect(report.columns.map((c) => c.column).sort()).toEqual(['x1', 'z']);
  });
});
