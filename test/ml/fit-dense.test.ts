import type { Tensor, Variable } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/ml/architectures.js';
import { tensorflow } from '../../src/ml/backend.js';
import { fitDense } from '../../src/ml/fit-dense.js';
import { seededRandom } from '../../src/ml/random.js';
import type { Task } from '../../src/ml/target.js';

const N = 64;
const D = 5;

function data(task: Task, units: number) {
  const random = seededRandom(7);
  const x = Float32Array.from({ length: N * D }, () => random() * 2 - 1);
  const y = Float32Array.from({ length: N }, (_, i) => {
    const s = x[i * D] - 0.5 * x[i * D + 1] + 0.3 * x[i * D + 2] * x[i * D + 3];
    if (task === 'regression') return s;
    if (task === 'binary') return s > 0 ? 1 : 0;
    return Math.min(units - 1, Math.floor((s + 1.5) * (units / 3)));
  });
  return { x, y, n: N, d: D };
}

/**
 * One full-batch step of fitDense against tfjs autograd on the same weights: Adam's first step moves every
 * weight by -rate * sign(gradient), so a wrong gradient anywhere in the hand-written backward pass shows as a
 * weight moving the wrong way; the reported loss must equal tfjs's loss before the step.
 */
describe('fitDense backpropagation', () => {
  const cases: [Task, number, number[]][] = [
    ['regression', 1, [8]],
    ['binary', 1, [8]],
    ['multiclass', 3, [8]],
    ['binary', 1, [8, 6]],
    ['multiclass', 3, [8, 6]],
    ['regression', 1, []],
  ];
  for (const [task, units, hidden] of cases) {
    it(`matches tfjs gradients for ${task} with hidden layers [${hidden.join(', ')}]`, async () => {
      const tf = await tensorflow();
      const model = buildModel(tf, hidden.length ? 'mlp' : 'linear', task, D, units, 11, hidden);
      const set = data(task, units);
      const before = model.getWeights().map((w) => Float32Array.from(w.dataSync()));

      const { value, grads } = tf.tidy(() => {
        const xs = tf.tensor2d(set.x, [N, D]);
        const ys = task === 'multiclass' ? tf.oneHot(tf.tensor1d(Int32Array.from(set.y), 'int32'), units).toFloat() : tf.tensor2d(set.y, [N, 1]);
        const lossOf = () => {
          const out = model.apply(xs) as Tensor;
          if (task === 'regression') return tf.losses.meanSquaredError(ys, out) as Tensor;
          if (task === 'binary') return tf.losses.sigmoidCrossEntropy(ys, tf.log(tf.div(out, tf.sub(1, out)))) as Tensor;
          return tf.losses.softmaxCrossEntropy(ys, tf.log(out)) as Tensor;
        };
        const result = tf.variableGrads(lossOf as () => import('@tensorflow/tfjs').Scalar, model.trainableWeights.map((w) => (w as unknown as { val: Variable }).val));
        return { value: result.value, grads: model.trainableWeights.map((w) => result.grads[(w as unknown as { val: Variable }).val.name]) };
      });
      const reference = grads.map((g) => g.dataSync());
      const referenceLoss = value.dataSync()[0];
      tf.dispose([value, ...grads]);

      const losses: number[] = [];
      const rate = 1e-3;
      await fitDense(tf, model, set, { task, units, epochs: 1, batchSize: N, seed: 1, learningRate: rate, onEpoch: (_, loss) => void losses.push(loss) });

      expect(losses[0]).toBeCloseTo(referenceLoss, 4);
      const after = model.getWeights().map((w) => w.dataSync());
      let checked = 0;
      reference.forEach((gradient, p) => {
        gradient.forEach((g, i) => {
          const moved = after[p][i] - before[p][i];
          if (Math.abs(g) < 1e-4) return;
          checked++;
          expect(Math.sign(moved), `parameter ${p}[${i}], gradient ${g}`).toBe(-Math.sign(g));
          expect(Math.abs(moved)).toBeCloseTo(rate, 4);
        });
      });
      expect(checked).toBeGreaterThan(before.reduce((sum, w) => sum + w.length, 0) / 3);
    });
  }
});
