import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tensorflow } from '../../src/ml/backend.js';
import { loadModel } from '../../src/ml/model-store.js';
import { train } from '../../src/ml/train.js';
import { Session } from '../../src/session/session.js';

const penguins = JSON.parse(readFileSync(join(process.cwd(), 'node_modules/vega-datasets/data/penguins.json'), 'utf8')) as Record<string, unknown>[];
const session = new Session(mkdtempSync(join(tmpdir(), 'dk-ml-train-')));
afterAll(() => session.close());

describe('train() with a custom tfjs model', () => {
  it('trains it with tfjs autograd on the active backend, then stores and reloads it', async () => {
    const tf = await tensorflow();
    const result = await train({
      session,
      name: 'custom',
      data: penguins,
      target: 'Species',
      epochs: 25,
      seed: 3,
      model: (inputs, units) =>
        tf.sequential({
          layers: [
            tf.layers.dense({ units: 12, activation: 'tanh', inputShape: [inputs], kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
            tf.layers.dropout({ rate: 0.1, seed: 3 }),
            tf.layers.dense({ units, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
          ],
        }),
    });
    expect(result.kind).toBe('custom');
    expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0].loss * 0.6);
    expect(result.metrics.accuracy).toBeGreaterThan(result.metrics.baseline_accuracy + 0.4);
    const loaded = await loadModel(result.dir);
    expect((await loaded.predictRows([penguins[0]]))[0].prediction).toBe('Adelie');
  });

  it('says which input width a model must take', async () => {
    const tf = await tensorflow();
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: 'softmax', inputShape: [2] })] });
    await expect(train({ session, name: 'wrong', data: penguins, target: 'Species', model })).rejects.toThrow(/takes 2 inputs, but the prepared features are \d+ columns/);
  });
});
