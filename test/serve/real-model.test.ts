import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, resolveModelDir, train, type LoadedModel } from '../../src/ml/index.js';
import { TestMagicContext } from '../helpers/magic-context.js';
import { freePort } from '../helpers/serve-process.js';

// A real penguin classifier trained through the ml API, served by %serve in-process and by `datakernel serve`
// in a new process (two cluster workers), both compared with predictRows in this process.

const penguinsPath = resolve('node_modules/vega-datasets/data/penguins.json');
const penguins = JSON.parse(readFileSync(penguinsPath, 'utf8')) as Record<string, unknown>[];
const features = ['Island', 'Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)', 'Sex'];
// Complete and incomplete rows (nulls in numbers and in Sex) from all three species.
const sample = [0, 3, 8, 152, 160, 220, 250, 270, 300, 339].map((i) => Object.fromEntries(features.map((f) => [f, penguins[i][f] ?? null])));

let ctx: TestMagicContext;
let model: LoadedModel;
let expected: Record<string, unknown>[];

const postJson = async (url: string, body: unknown) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};


const run = (command: string, args: string[]) =>
  new Promise<void>((done, fail) => {
    spawn(command, args, { stdio: 'inherit' }).on('exit', (code) => (code === 0 ? done() : fail(new Error(`${command} ${args.join(' ')} exited ${code}`))));
  });

beforeAll(async () => {
  ctx = new TestMagicContext();
  await train({ session: ctx.session, name: 'penguins', data: penguinsPath, target: 'Species', features, model: 'softmax', epochs: 20, seed: 7 });
  model = await loadModel(resolveModelDir(ctx.session, 'penguins'));
  expected = await model.predictRows(sample);
}, 180_000);
afterAll(() => ctx.session.close());

describe('%serve with a trained model', () => {
  let url: string;
  const logPath = () => join(ctx.session.projectDir, 'inputs.jsonl');

  it('serves it and answers both protocols with the in-process predictions', async () => {
    const shown = (await ctx.magic('serve', `penguins --port 0 --batch-wait-ms 20 --log-inputs ${logPath()}`)) as Record<symbol, () => Record<string, string>> & {
      url: string;
      model: string;
      version: number;
    };
    const text = shown[Symbol.for('Jupyter.display')]()['text/plain'];
    url = /Serving penguins@1 at (http:\/\/127\.0\.0\.1:\d+)/.exec(text)![1];
    expect(shown).toMatchObject({ url, model: 'penguins', version: 1 });
    expect(text).toContain(`${url}/v2/models/penguins/infer`);

    const v1 = await postJson(`${url}/v1/models/penguins:predict`, { instances: sample });
    expect(v1.status).toBe(200);
    expect(v1.body.predictions).toEqual(expected);
    expect(new Set(expected.map((p) => p.prediction))).toEqual(new Set(['Adelie', 'Chinstrap', 'Gentoo']));

    const v2 = await postJson(`${url}/v2/models/penguins/versions/1/infer`, {
      id: 'batch-1',
      inputs: features.map((name) => ({
        name,
        shape: [sample.length],
        datatype: name === 'Island' || name === 'Sex' ? 'BYTES' : 'FP32',
        data: sample.map((row) => row[name]),
      })),
    });
    expect(v2.status).toBe(200);
    expect(v2.body.id).toBe('batch-1');
    const outputs = Object.fromEntries(v2.body.outputs.map((o: { name: string }) => [o.name, o]));
    expect(outputs.prediction).toEqual({ name: 'prediction', datatype: 'BYTES', shape: [sample.length], data: expected.map((p) => p.prediction) });
    expect(outputs.probability_Gentoo).toMatchObject({ datatype: 'FP32', data: expected.map((p) => p.probability_Gentoo) });

    const concurrent = await Promise.all(sample.map((row) => postJson(`${url}/v1/models/penguins:predict`, { instances: [row] })));
    expect(concurrent.map((a) => a.body.predictions[0])).toEqual(expected);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const calls = Number(/datakernel_serve_batch_size_count\{model="penguins"\} (\d+)/.exec(metrics)![1]);
    expect(calls).toBeLessThan(2 + sample.length);

    const metadata = await (await fetch(`${url}/v2/models/penguins`)).json();
    expect(metadata.inputs).toContainEqual({ name: 'Sex', datatype: 'BYTES', shape: [-1] });
    const bad = await postJson(`${url}/v1/models/penguins:predict`, { instances: [{ ...sample[0], 'Body Mass (g)': 'heavy' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/'Body Mass \(g\)'/);
  });

  it('lists and stops it, and %drift reads the inputs it logged', async () => {
    const list = (await ctx.magic('serve', '--list')) as Record<symbol, () => Record<string, string>>;
    expect(list[Symbol.for('Jupyter.display')]()['text/plain']).toMatch(/penguins\s+│ 1\s+│ http/);
    await ctx.magic('serve', '--stop penguins');
    await expect(fetch(`${url}/v2/health/live`)).rejects.toThrow();

    const logged = readFileSync(logPath(), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(logged).toHaveLength(3 * sample.length);
    expect(logged[0]).toMatchObject({ ...sample[0], _model: 'penguins', _version: '1' });

    await ctx.magic('drift', `${penguinsPath} ${logPath()} -o report`);
    const report = ctx.variables.get('report') as { columns: { column: string; method: string }[] };
    expect(report.columns.map((c) => c.column).sort()).toEqual([...features].sort());
    expect(report.columns.find((c) => c.column === 'Island')?.method).toBe('chisquare');
    expect(ctx.output.text()).toMatch(/(No dataset drift|Dataset drift detected): \d of 6 columns drifted/);
    expect(ctx.output.outputs.some((o) => o.data?.['application/vnd.plotly.v1+json'])).toBe(true);
  });
});

describe('datakernel serve in a new process', () => {
  let child: ChildProcess;
  let url: string;

  beforeAll(async () => {
    await run('npm', ['run', '--silent', 'build']);
    const port = await freePort();
    child = spawn(process.execPath, ['bin/datakernel.js', 'serve', '--model-dir', join(ctx.session.stateDir, 'models'), '--port', String(port), '--workers', '2', '--poll-seconds', '1'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    url = await new Promise<string>((done, fail) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /datakernel serve: penguins@1 at (\S+) \(2 workers\)/.exec(out);
        if (match) done(match[1]);
      });
      child.on('exit', (code) => fail(new Error(`datakernel serve exited ${code}: ${out}`)));
    });
  }, 180_000);
  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((done) => child.on('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('reloads the model from disk and predicts exactly what predictRows does here', async () => {
    const status = await (await fetch(`${url}/v1/models/penguins`)).json();
    expect(status.model_version_status[0]).toMatchObject({ version: '1', state: 'AVAILABLE', status: { error_code: 'OK' } });
    const answers = await Promise.all(sample.map((row) => postJson(`${url}/v1/models/penguins:predict`, { instances: [row] })));
    expect(answers.map((a) => a.body.predictions[0])).toEqual(expected);
  });

  it('picks up a version trained after it started', async () => {
    await train({ session: ctx.session, name: 'penguins', data: penguinsPath, target: 'Species', features, model: 'softmax', epochs: 5, seed: 8 });
    const second = await (await loadModel(resolveModelDir(ctx.session, 'penguins@2'))).predictRows(sample);
    // Every worker polls on its own: wait until several answers in a row (round-robin over both) know version 2.
    for (let inARow = 0; inARow < 4; ) {
      const status = await (await fetch(`${url}/v1/models/penguins`)).json();
      inARow = status.model_version_status.length === 2 ? inARow + 1 : 0;
      if (inARow === 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const answer = await postJson(`${url}/v1/models/penguins/versions/2:predict`, { instances: sample });
    expect(answer.body.predictions).toEqual(second);
  }, 120_000);

  it('reports the metrics of all workers together (one answer per predict above)', async () => {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`datakernel_serve_requests_total\\{endpoint="v1_predict",status="200"\\} ${sample.length + 1}\\n`));
    expect(metrics).toMatch(/datakernel_serve_batch_size_count\{model="penguins"\} \d+/);
  });
});
