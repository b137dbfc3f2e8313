import { describe, expect, it } from 'vitest';
import { classificationMetrics, regressionMetrics, rocAuc } from '../../src/ml/metrics.js';
import { seededRandom } from '../../src/ml/random.js';
import { fitLinear, fitLogistic } from '../../src/ml/solvers.js';

function synthetic(n: number, d: number, seed: number) {
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const x = Float32Array.from({ length: n * d }, normal);
  const w = Array.from({ length: d }, (_, j) => j - d / 2);
  const score = (i: number) => w.reduce((s, wj, j) => s + wj * x[i * d + j], 0.5);
  return { x, w, score, normal };
}

describe('dedicated solvers', () => {
  it('recovers linear weights by the normal equations', () => {
    const n = 2000;
    const d = 5;
    const { x, w, score, normal } = synthetic(n, d, 1);
    const y = Float32Array.from({ length: n }, (_, i) => score(i) + 0.01 * normal());
    const fitted = fitLinear(x, y, n, d);
    w.forEach((wj, j) => expect(fitted.weights[j]).toBeCloseTo(wj, 1));
    expect(fitted.bias).toBeCloseTo(0.5, 1);
  });

  it('fits logistic regression by IRLS with a decreasing loss', () => {
    const n = 3000;
    const d = 4;
    const { x, score } = synthetic(n, d, 2);
    const random = seededRandom(3);
    const y = Float32Array.from({ length: n }, (_, i) => (random() < 1 / (1 + Math.exp(-score(i) / 2)) ? 1 : 0));
    const losses: number[] = [];
    const fitted = fitLogistic(x, y, n, d, 25, (_, loss) => losses.push(loss));
    expect(losses.length).toBeLessThan(15);
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThanOrEqual(losses[i - 1] + 1e-9);
    expect(fitted.weights[0]).toBeCloseTo(-1, 0);
    expect(fitted.weights[3]).toBeCloseTo(0.5, 0);
  });
});

describe('metrics', () => {
  it('computes ROC AUC with ties as half', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBeCloseTo(0.75);
    expect(rocAuc([0.5, 0.5], [false, true])).toBeCloseTo(0.5);
  });

  it('computes RMSE, MAE, R2 and the mean baseline', () => {
    const m = regressionMetrics([1, 2, 3, 4], [1, 2, 3, 5]);
    expect(m.rmse).toBeCloseTo(0.5);
    expect(m.mae).toBeCloseTo(0.25);
    expect(m.r2).toBeCloseTo(1 - 1 / 5);
    expect(m.baseline_rmse).toBeCloseTo(Math.sqrt(1.25));
  });

  it('computes accuracy, precision, recall and F1 of the positive class for binary targets', () => {
    // actual:    1 1 0 0 1 ; predicted: 1 0 0 1 1
    const probs = [0.1, 0.9, 0.6, 0.4, 0.8, 0.2, 0.3, 0.7, 0.2, 0.8];
    const m = classificationMetrics([1, 1, 0, 0, 1], probs, 2);
    expect(m.accuracy).toBeCloseTo(0.6);
    expect(m.precision).toBeCloseTo(2 / 3);
    expect(m.recall).toBeCloseTo(2 / 3);
    expect(m.f1).toBeCloseTo(2 / 3);
    expect(m.baseline_accuracy).toBeCloseTo(0.6);
  });
});
