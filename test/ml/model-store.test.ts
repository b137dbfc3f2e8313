import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, modelVersions, resolveModelDir } from '../../src/ml/model-store.js';
import { train } from '../../src/ml/train.js';
import { Session } from '../../src/session/session.js';

const run = promisify(execFile);
const penguins = JSON.parse(readFileSync(join(process.cwd(), 'node_modules/vega-datasets/data/penguins.json'), 'utf8')) as Record<string, unknown>[];
const session = new Session(mkdtempSync(join(tmpdir(), 'dk-ml-store-')));
afterAll(() => session.close());

describe('model registry', () => {
  it('stores versions in the standard TF.js layout with preparation, schema, metrics and fingerprint', async () => {
    const first = await train({ session, name: 'species', data: penguins, target: 'Species', epochs: 3 });
    const second = await train({ session, name: 'species', data: penguins, target: 'Species', model: 'softmax', epochs: 3 });
    expect([first.version, second.version]).toEqual([1, 2]);
    expect(modelVersions(session, 'species')).toEqual([1, 2]);
    expect(resolveModelDir(session, 'species')).toBe(second.dir);
    expect(resolveModelDir(session, 'species@1')).toBe(first.dir);
    const modelJson = JSON.parse(readFileSync(join(first.dir, 'model.json'), 'utf8'));
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.modelTopology.class_name ?? modelJson.modelTopology.config).toBeTruthy();
    expect(modelJson.weightsManifest[0].paths).toEqual(['./weights.bin']);
    const bytes = modelJson.weightsManifest[0].weights.reduce((sum: number, w: { shape: number[] }) => sum + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
    expect(readFileSync(join(first.dir, 'weights.bin')).length).toBe(bytes);
    const schema = JSON.parse(readFileSync(join(first.dir, 'schema.json'), 'utf8'));
    expect(schema).toContainEqual({ name: 'Island', type: 'string', required: true });
    expect(schema).toContainEqual({ name: 'Sex', type: 'string', required: false });
    const meta = JSON.parse(readFileSync(join(first.dir, 'meta.json'), 'utf8'));
    expect(meta.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(readFileSync(join(second.dir, 'meta.json'), 'utf8')).fingerprint).toBe(meta.fingerprint);
  });

  it('gives the same predictions after a reload in a fresh process', async () => {
    const rows = penguins.slice(0, 40).concat([{ Island: 'Atlantis', 'Beak Length (mm)': null, Sex: null }]);
    const model = await loadModel(resolveModelDir(session, 'species@1'));
    const here = await model.predictRows(rows);
    expect(model.outputNames).toEqual(['prediction', 'probability_Adelie', 'probability_Chinstrap', 'probability_Gentoo']);
    expect(model.inputSchema.map((f) => f.name)).toContain('Body Mass (g)');
    const script = join(session.projectDir, 'reload.mts');
    const rowsFile = join(session.projectDir, 'rows.json');
    writeFileSync(rowsFile, JSON.stringify(rows));
    writeFileSync(
      script,
      `import { readFileSync } from 'node:fs';
       import { loadModel } from ${JSON.stringify(join(process.cwd(), 'src/ml/model-store.ts'))};
       const model = await loadModel(${JSON.stringify(model.dir)});
       console.log(JSON.stringify(await model.predictRows(JSON.parse(readFileSync(${JSON.stringify(rowsFile)}, 'utf8')))));`,
    );
    const { stdout } = await run(join(process.cwd(), 'node_modules/.bin/tsx'), [script], { cwd: process.cwd() });
    const there = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(there).toEqual(here);
  });

  it('rejects values of the wrong type with the feature named', async () => {
    const model = await loadModel(resolveModelDir(session, 'species'));
    await expect(model.predictRows([{ 'Body Mass (g)': 'heavy' }])).rejects.toThrow(/Feature "Body Mass \(g\)" must be a number/);
  });
});
