import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { tensorflow } from '../../src/ml/backend.js';
import { columnsFromRecords } from '../../src/ml/columns.js';
import { denseForward } from '../../src/ml/dense-forward.js';
import { loadModel } from '../../src/ml/model-store.js';
import { prepare } from '../../src/ml/preparation.js';
import { train } from '../../src/ml/train.js';
import { Session } from '../../src/session/session.js';

const penguins = JSON.parse(readFileSync(join(process.cwd(), 'node_modules/vega-datasets/data/penguins.json'), 'utf8')) as Record<string, unknown>[];
// Two sexes only, so that Sex is a binary target (a sigmoid output).
const sexed = penguins.filter((row) => row.Sex === 'MALE' || row.Sex === 'FEMALE');
const session = new Session(mkdtempSync(join(tmpdir(), 'dk-ml-dense-forward-')));
afterAll(() => session.close());

describe('the typed-array forward pass of built-in models', () => {
  it.each([
    ['mlp', 'Species'],
    ['softmax', 'Species'],
    ['logistic', 'Sex'],
    ['mlp', 'Sex'],
    ['linear', 'Body Mass (g)'],
    ['mlp', 'Body Mass (g)'],
  ])('equals tfjs model.predict for a trained %s predicting %s', async (kind, target) => {
    const tf = await tensorflow();
    const data = target === 'Sex' ? sexed : penguins;
    const result = await train({ session, name: `dense_${kind}`, data, target, model: kind as 'mlp', epochs: 4, seed: 5 });
    const loaded = await loadModel(result.dir);
    const types = Object.fromEntries(loaded.inputSchema.map((field) => [field.name, field.type]));
    const x = prepare(loaded.preparation, columnsFromRecords(data, types));
    const width = loaded.preparation.outputColumns.length;
    const forward = denseForward(loaded.model);
    expect(forward).toBeDefined();
    const ours = forward!.predict(x, data.length);
    const input = tf.tensor2d(x, [data.length, width]);
    const output = loaded.model.predict(input, { batchSize: data.length }) as Tensor;
    const theirs = output.dataSync();
    tf.dispose([input, output]);
    expect(ours.length).toBe(theirs.length);
    let worst = 0;
    for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - theirs[i]) / Math.max(1, Math.abs(theirs[i])));
    expect(worst).toBeLessThan(1e-5);
    // predictRows on a few rows (what the server calls) goes through the same pass.
    const rows = await loaded.predictRows(data.slice(0, 3));
    if (forward!.units > 1) expect(rows[0][loaded.outputNames[1]]).toBeCloseTo(theirs[0], 5);
    else if (loaded.task === 'binary') expect(rows[0][loaded.outputNames[2]]).toBeCloseTo(theirs[0], 5);
    else expect(rows[0].prediction).toBeCloseTo(theirs[0] * loaded.target.std! + loaded.target.mean!, 2);
  });

  it('leaves models with other layers or activations to tfjs', async () => {
    const tf = await tensorflow();
    const withDropout = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3], activation: 'relu' }), tf.layers.dropout({ rate: 0.1 }), tf.layers.dense({ units: 1 })] });
    const elu = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], activation: 'elu' })] });
    const input = tf.input({ shape: [3] });
    const functional = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1 }).apply(input) as never });
    expect(denseForward(withDropout)).toBeUndefined();
    expect(denseForward(elu)).toBeUndefined();
    expect(denseForward(functional)).toBeUndefined();
    const tanh = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2], activation: 'tanh' }), tf.layers.dense({ units: 2, activation: 'sigmoid', useBias: false })] });
    const x = new Float32Array([0.5, -1, 2, 0.25]);
    const expected = (tanh.predict(tf.tensor2d(x, [2, 2])) as Tensor).dataSync();
    const actual = denseForward(tanh)!.predict(x, 2);
    for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i], 6);
  });
});
