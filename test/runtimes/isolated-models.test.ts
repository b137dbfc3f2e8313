import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, readModelFiles, resolveModelDir } from '../../src/ml/model-store.js';
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
