import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InterruptedError } from '../../src/errors.js';
import { columnsFromRecords } from '../../src/ml/columns.js';
import { loadModel, readModelFiles, resolveModelDir } from '../../src/ml/model-store.js';
import { prepare } from '../../src/ml/preparation.js';
import { runtimeDir } from '../../src/runtimes/install.js';
import { runSql } from '../../src/sql/query.js';
import { sessionWorkers } from '../../src/runtimes/session-workers.js';
import type { QueryResult } from '../../src/sql/result.js';
import { TestMagicContext } from '../helpers/magic-context.js';

const DATA = join(process.cwd(), 'node_modules/vega-datasets/data');
const penguins = JSON.parse(readFileSync(join(DATA, 'penguins.json'), 'utf8')) as Record<string, unknown>[];
const KERNEL_TFJS = (JSON.parse(readFileSync(join(process.cwd(), 'node_modules/@tensorflow/tfjs-core/package.json'), 'utf8')) as { version: string }).version;
const OTHER_TFJS = '4.21.0';
const ctx = new TestMagicContext();

beforeAll(async () => {
  await ctx.magic('train', `species_own --data ${join(DATA, 'penguins.json')} --target Species --epochs 10`);
  await ctx.magic('train', `species_old --data ${join(DATA, 'penguins.json')} --target Species --epochs 10 --seed 7 --runtime tfjs@${OTHER_TFJS}`);
}, 180_000);
afterAll(() => ctx.session.close());

describe('model runtimes', () => {
  it('records the runtime a model needs: the kernel\'s tfjs and backend, or the one given', async () => {
    const own = await readModelFiles(resolveModelDir(ctx.session, 'species_own'));
    expect(own.card.runtime).toEqual({ tfjs: KERNEL_TFJS, backend: 'wasm', packages: {} });
    const old = await readModelFiles(resolveModelDir(ctx.session, 'species_old'));
    expect(old.card.runtime).toEqual({ tfjs: OTHER_TFJS, backend: 'wasm', packages: {} });
    await expect(ctx.magic('train', `bad --data ${join(DATA, 'penguins.json')} --target Species --runtime tfjs@^4`)).rejects.toThrow(/needs an exact version, got "\^4"/);
  });

  it('scores two models of two tfjs versions on the same rows in one session, each equal to its in-process scores', async () => {
    const own = (await ctx.magic('predict', `species_own --data ${join(DATA, 'penguins.json')}`)) as QueryResult;
    const old = (await ctx.magic('predict', `species_old --data ${join(DATA, 'penguins.json')}`)) as QueryResult;
    expect(own.numRows).toBe(344);
    expect(old.numRows).toBe(344);

    // The second model really scored on the other tfjs: the worker reports the version it loaded.
    const files = await readModelFiles(resolveModelDir(ctx.session, 'species_old'));
    const worker = await sessionWorkers(ctx.session).worker(files.card.runtime!);
    expect(worker.hello.tfjs).toBe(OTHER_TFJS);
    expect(worker.pid).not.toBe(process.pid);
    const listed = (await ctx.magic('runtimes', '')) as Array<{ where: string; worker: number | null; tfjs: string }>;
    expect(listed[0]).toMatchObject({ where: 'kernel (in-process)', worker: process.pid, tfjs: KERNEL_TFJS });
    expect(listed).toContainEqual(expect.objectContaining({ where: 'worker', worker: worker.pid, tfjs: OTHER_TFJS }));

    // The same version folders loaded in this process (tfjs KERNEL_TFJS) give the same numbers.
    for (const [name, result] of [['species_own', own], ['species_old', old]] as const) {
      const direct = await loadModel(resolveModelDir(ctx.session, name));
      const rows = await result.toArray();
      const expected = await direct.predictRows(penguins);
      expect(rows.map((r) => r.prediction)).toEqual(expected.map((e) => e.prediction));
      rows.forEach((row, i) => expect(row.probability_Gentoo as number).toBeCloseTo(expected[i].probability_Gentoo as number, 5));
    }
  }, 120_000);

  it('scores a model of the kernel\'s runtime in a worker when asked (--isolated)', async () => {
    const isolated = (await ctx.magic('predict', `species_own --data ${join(DATA, 'penguins.json')} --isolated`)) as QueryResult;
    const inProcess = (await ctx.magic('predict', `species_own --data ${join(DATA, 'penguins.json')}`)) as QueryResult;
    expect((await isolated.toArray()).map((r) => r.prediction)).toEqual((await inProcess.toArray()).map((r) => r.prediction));
  }, 60_000);

  it('starts a new worker after one is killed', async () => {
    const files = await readModelFiles(resolveModelDir(ctx.session, 'species_old'));
    const workers = sessionWorkers(ctx.session);
    const first = await workers.worker(files.card.runtime!);
    first.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const model = await workers.model(files);
    expect((await model.predictRows(penguins.slice(0, 3))).map((r) => r.prediction)).toEqual(['Adelie', 'Adelie', 'Adelie']);
    expect((await workers.worker(files.card.runtime!)).pid).not.toBe(first.pid);
  }, 60_000);
});

/**
 * Raw outputs of a stored model for prepared rows, computed by a plain node process that loads only the tfjs
 * of `dir` (a runtime folder): the model's prediction "in process" of its own runtime, without datakernel's worker.
 */
function predictWithRuntime(dir: string, modelDir: string, x: Float32Array, n: number, d: number): { version: string; outputs: number[] } {
  const script = `
    const { createRequire } = require('node:module');
    const { readFileSync } = require('node:fs');
    const { dirname, join } = require('node:path');
    const req = createRequire(join(process.env.RUNTIME, 'package.json'));
    const tf = req('@tensorflow/tfjs-core');
    const layers = req('@tensorflow/tfjs-layers');
    req('@tensorflow/tfjs-backend-wasm').setWasmPaths(dirname(req.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
    (async () => {
      await tf.setBackend('wasm');
      const json = JSON.parse(readFileSync(join(process.env.MODEL, 'model.json'), 'utf8'));
      const weights = readFileSync(join(process.env.MODEL, 'weights.bin'));
      const model = await layers.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) }));
      const input = JSON.parse(readFileSync(0, 'utf8'));
      const out = model.predict(tf.tensor2d(input.x, [input.n, input.d]));
      process.stdout.write(JSON.stringify({ version: tf.version_core, outputs: Array.from(await out.data()) }));
    })();`;
  const child = spawnSync(process.execPath, ['-e', script], { input: JSON.stringify({ x: Array.from(x), n, d }), env: { ...process.env, RUNTIME: dir, MODEL: modelDir }, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout) as { version: string; outputs: number[] };
}

describe("training in the model's runtime", () => {
  it('trains a model of another tfjs in its runtime worker, which reports that tfjs while training', async () => {
    const own = await readModelFiles(resolveModelDir(ctx.session, 'species_own'));
    expect(own.card.trainedIn).toEqual({ tfjs: KERNEL_TFJS, where: 'kernel' });
    const old = await readModelFiles(resolveModelDir(ctx.session, 'species_old'));
    expect(old.card.trainedIn).toEqual({ tfjs: OTHER_TFJS, where: 'worker' });
    // The saved network says which tfjs-layers wrote it.
    const generatedBy = (dir: string) => (JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { generatedBy: string }).generatedBy;
    expect(generatedBy(old.dir)).toBe(`TensorFlow.js tfjs-layers v${OTHER_TFJS}`);
    expect(generatedBy(own.dir)).toBe(`TensorFlow.js tfjs-layers v${KERNEL_TFJS}`);
    // The progress shown while it trained names the worker and the tfjs it loaded.
    const shown = new RegExp(`Training species_old \\(mlp, tfjs@${OTHER_TFJS.replace(/\./g, '\\.')} wasm, worker (\\d+)\\) .* epochs .*loss`).exec(ctx.output.text());
    expect(Number(shown?.[1])).not.toBe(process.pid);
    expect(ctx.output.text()).toMatch(/Training species_own \(mlp, wasm\)/);
  });

  it("scores each model as its own runtime's tfjs does in a plain process", async () => {
    for (const [name, tfjs] of [['species_own', KERNEL_TFJS], ['species_old', OTHER_TFJS]] as const) {
      const files = await readModelFiles(resolveModelDir(ctx.session, name));
      const types = Object.fromEntries(files.inputSchema.map((f) => [f.name, f.type]));
      const x = prepare(files.preparation, columnsFromRecords(penguins, types));
      const folder = tfjs === KERNEL_TFJS ? process.cwd() : runtimeDir(files.card.runtime!);
      const direct = predictWithRuntime(folder, files.dir, x, penguins.length, files.preparation.outputColumns.length);
      expect(direct.version).toBe(tfjs);
      const scored = await ((await ctx.magic('predict', `${name} --data ${join(DATA, 'penguins.json')}`)) as QueryResult).toArray();
      const classes = files.target.classes!;
      scored.forEach((row, i) => classes.forEach((c, j) => expect(row[`probability_${c}`] as number).toBeCloseTo(direct.outputs[i * classes.length + j], 5)));
    }
  }, 120_000);

  it('streams epoch progress from the worker and stops it on an interrupt', async () => {
    await runSql(ctx.session, 'CREATE OR REPLACE TABLE many AS SELECT (range % 97) / 97.0 AS a, (range % 89) / 89.0 AS b, ((range % 97) / 97.0 + (range % 89) / 89.0 > 1)::INTEGER AS y FROM range(200000)');
    const files = await readModelFiles(resolveModelDir(ctx.session, 'species_old'));
    const worker = await sessionWorkers(ctx.session).worker(files.card.runtime!);
    const shown = ctx.output.outputs.length;
    const training = ctx.magic('train', `long_old --data many --target y --epochs 500 --batch 32 --runtime tfjs@${OTHER_TFJS}`);
    const failed = expect(training).rejects.toBeInstanceOf(InterruptedError);
    // Wait for an epoch the worker reported (its loss), then interrupt the cell.
    const deadline = Date.now() + 60_000;
    while (!ctx.output.outputs.slice(shown).some((o) => /long_old .*epochs.*loss \d/.test(String(o.data?.['text/plain'] ?? '')))) {
      if (Date.now() > deadline) throw new Error(`no epoch progress: ${ctx.output.text().slice(-500)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    ctx.session.interrupt();
    await failed;
    expect(worker.alive).toBe(false);
    // Nothing was stored, and the next use of the runtime starts a new worker.
    await expect(readModelFiles(join(ctx.session.stateDir, 'models', 'long_old', '1'))).rejects.toThrow(/not a datakernel model folder/);
    expect((await sessionWorkers(ctx.session).worker(files.card.runtime!)).pid).not.toBe(worker.pid);
  }, 120_000);
});

const freePort = () =>
  new Promise<number>((done) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });

describe('datakernel serve with models of two runtimes', () => {
  it('serves both from one server, the other runtime in its worker, answering what the models answer here', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['bin/datakernel.js', 'serve', '--model-dir', join(ctx.session.stateDir, 'models'), '--port', String(port), '--workers', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const line = await new Promise<string>((done, fail) => {
        let out = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (/ at http\S+ \(1 process\)/.test(out)) done(out);
        });
        child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.on('exit', (code) => fail(new Error(`datakernel serve exited ${code}: ${out}`)));
      });
      expect(line).toMatch(new RegExp(`species_old@1 \\(tfjs@${OTHER_TFJS.replace(/\./g, '\\.')} wasm, worker \\d+\\)`));
      const sample = penguins.slice(0, 40);
      for (const name of ['species_own', 'species_old']) {
        const res = await fetch(`http://127.0.0.1:${port}/v1/models/${name}:predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances: sample }) });
        expect(res.status).toBe(200);
        const body = (await res.json()) as { predictions: Record<string, unknown>[] };
        const expected = await (await loadModel(resolveModelDir(ctx.session, name))).predictRows(sample);
        expect(body.predictions.map((p) => p.prediction)).toEqual(expected.map((e) => e.prediction));
        body.predictions.forEach((p, i) => expect(p.probability_Adelie as number).toBeCloseTo(expected[i].probability_Adelie as number, 5));
      }
    } finally {
      const exited = new Promise((done) => child.on('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);
});
