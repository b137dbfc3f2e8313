import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceServer } from '../../src/serve/index.js';
import { linearFake } from './fake-model.js';

let server: InferenceServer;
const calls: number[] = [];

const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const get = (path: string) => fetch(`${server.url}${path}`);

beforeAll(async () => {
  server = await new InferenceServer({ port: 0, maxBodyBytes: 10_000, maxWaitMs: 50, maxBatchSize: 64 }).listen();
  server.repository.add(linearFake(calls));
  server.repository.add({ ...linearFake(), version: 1 });
});
afterAll(() => server.close());

describe('TensorFlow Serving REST', () => {
  it('reports model status with every served version AVAILABLE', async () => {
    const res = await get('/v1/models/lin');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      model_version_status: ['1', '3'].map((version) => ({ version, state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } })),
    });
    expect((await (await get('/v1/models/lin/versions/1')).json()).model_version_status).toHaveLength(1);
  });

  it('describes the signature in metadata', async () => {
    const body = await (await get('/v1/models/lin/metadata')).json();
    expect(body.model_spec).toEqual({ name: 'lin', signature_name: '', version: '3' });
    const signature = body.metadata.signature_def.signature_def.serving_default;
    expect(Object.keys(signature.inputs)).toEqual(['x', 'color', 'flag']);
    expect(signature.inputs.color.dtype).toBe('DT_STRING');
    expect(signature.outputs.prediction.dtype).toBe('DT_FLOAT');
  });

  it('predicts rows ("instances") and columns ("inputs"), on a pinned version too', async () => {
    const rows = await post('/v1/models/lin:predict', { instances: [{ x: 1, color: 'red' }, { x: 2 }] });
    expect(await rows.json()).toEqual({ predictions: [3, 4] });
    const columns = await post('/v1/models/lin/versions/1:predict', { inputs: { x: [5, 6], color: ['red', null] } });
    expect(await columns.json()).toEqual({ outputs: [11, 12] });
    const vectors = await post('/v1/models/lin:predict', { instances: [[1, 'red', true], [2, null, null]] });
    expect(await vectors.json()).toEqual({ predictions: [3, 4] });
    const short = await post('/v1/models/lin:predict', { instances: [[1, 'red']] });
    expect((await short.json()).error).toBe('Instance 0 has 2 values; the model takes 3 features in this order: x, color, flag');
  });
});

describe('Open Inference Protocol (V2)', () => {
  it('answers health, server metadata and model readiness', async () => {
    expect(await (await get('/v2/health/live')).json()).toEqual({ live: true });
    expect(await (await get('/v2/health/ready')).json()).toEqual({ ready: true });
    expect((await (await get('/v2')).json()).name).toBe('datakernel');
    expect(await (await get('/v2/models/lin/ready')).json()).toEqual({ name: 'lin', ready: true });
    expect((await get('/v2/models/lin/versions/2/ready')).status).toBe(404);
  });

  it('describes inputs and outputs with datatypes and shapes', async () => {
    expect(await (await get('/v2/models/lin')).json()).toEqual({
      name: 'lin',
      versions: ['1', '3'],
      platform: 'datakernel_tfjs',
      inputs: [
        { name: 'x', datatype: 'FP32', shape: [-1] },
        { name: 'color', datatype: 'BYTES', shape: [-1] },
        { name: 'flag', datatype: 'BOOL', shape: [-1] },
      ],
      outputs: [{ name: 'prediction', datatype: 'FP32', shape: [-1] }],
    });
  });

  it('infers from one tensor per feature and echoes the request id', async () => {
    const res = await post('/v2/models/lin/versions/3/infer', {
      id: 'req-7',
      inputs: [
        { name: 'x', shape: [2, 1], datatype: 'FP64', data: [[1], [2]] },
        { name: 'color', shape: [2], datatype: 'BYTES', data: ['red', 'blue'] },
      ],
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      model_name: 'lin',
      model_version: '3',
      id: 'req-7',
      outputs: [{ name: 'prediction', datatype: 'FP32', shape: [2], data: [3, 4] }],
    });
  });

  it('infers from one [n, features] tensor in schema order', async () => {
    const res = await post('/v2/models/lin/infer', { inputs: [{ name: 'input-0', shape: [1, 3], datatype: 'BYTES', data: [4, 'red', true] }] });
    expect((await res.json()).outputs[0].data).toEqual([9]);
  });
});

describe('bad requests', () => {
  const error = async (res: Response, status: number) => {
    expect(res.status).toBe(status);
    return ((await res.json()) as { error: string }).error;
  };

  it('names a missing or mistyped feature (400)', async () => {
    expect(await error(await post('/v1/models/lin:predict', { instances: [{ color: 'red' }] }), 400)).toMatch(/required feature 'x'/);
    expect(await error(await post('/v1/models/lin:predict', { instances: [{ x: '1' }] }), 400)).toMatch(/Feature 'x' in row 0 must be a number, got string/);
    expect(await error(await post('/v2/models/lin/infer', { inputs: [{ name: 'x', shape: [1], datatype: 'BYTES', data: ['a'] }] }), 400)).toMatch(/'x' has datatype BYTES/);
    expect(await error(await post('/v2/models/lin/infer', { inputs: [{ name: 'y', shape: [1], datatype: 'FP32', data: [1] }] }), 400)).toMatch(/Unknown input 'y'/);
    expect(await error(await post('/v2/models/lin/infer', { inputs: [{ name: 'x', shape: [2], datatype: 'FP32', data: [1] }] }), 400)).toMatch(/shape \[2\] needs 2/);
  });

  it('rejects bad JSON (400), unknown models, versions and paths (404), wrong methods (405)', async () => {
    expect(await error(await post('/v1/models/lin:predict', '{"instances": ['), 400)).toMatch(/not valid JSON/);
    expect(await error(await post('/v1/models/nope:predict', { instances: [{ x: 1 }] }), 404)).toMatch(/'nope' is not served/);
    expect(await error(await post('/v2/models/lin/versions/9/infer', { inputs: [] }), 404)).toMatch(/no version 9/);
    expect(await error(await get('/v3/anything'), 404)).toMatch(/No endpoint/);
    expect(await error(await get('/v1/models/lin:predict'), 405)).toMatch(/GET is not allowed/);
  });

  it('refuses an oversized body (413)', async () => {
    const instances = Array.from({ length: 2000 }, (_, x) => ({ x }));
    expect(await error(await post('/v1/models/lin:predict', { instances }), 413)).toMatch(/larger than 10000 bytes/);
    // Streamed without a Content-Length: refused once the limit is crossed, and the connection is closed.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(`${server.url}/v2/models/lin/infer`, { method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.write('{"inputs": [');
      req.write(`"${'x'.repeat(20_000)}"`);
    });
    expect(status).toBe(413);
  });
});

describe('batching and metrics', () => {
  it('batches concurrent clients into shared model calls and reports it in /metrics', async () => {
    calls.length = 0;
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, x) => post('/v1/models/lin:predict', { instances: [{ x }] }).then((r) => r.json())),
    );
    expect(answers).toEqual(Array.from({ length: 12 }, (_, x) => ({ predictions: [2 * x] })));
    expect(Math.max(...calls)).toBeGreaterThan(1);
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toMatch(/datakernel_serve_requests_total\{endpoint="v1_predict",status="200"\} \d+/);
    expect(metrics).toMatch(/datakernel_serve_requests_total\{endpoint="v1_predict",status="400"\} 4/);
    expect(metrics).toMatch(/datakernel_serve_request_duration_seconds_bucket\{endpoint="v1_predict",le="\+Inf"\} \d+/);
    expect(metrics).toContain('datakernel_serve_in_flight_requests 1');
    const single = Number(/datakernel_serve_batch_size_bucket\{model="lin",le="1"\} (\d+)/.exec(metrics)![1]);
    const all = Number(/datakernel_serve_batch_size_count\{model="lin"\} (\d+)/.exec(metrics)![1]);
    expect(all - single).toBeGreaterThan(0);
  });
});
