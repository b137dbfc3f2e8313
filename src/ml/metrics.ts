import type { Task } from './target.js';

/** Metric name -> value; classification: accuracy, precision, recall, f1, auc, log_loss; regression: rmse, mae, r2. */
export type Metrics = Record<string, number>;

/** Area under the ROC curve of scores for the positive labels (ties get half credit, as in the rank statistic). */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]] === scores[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (positive[order[k]]) {
        rankSum += rank;
        positives++;
      }
    }
    i = j + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Regression metrics of predictions against actual values, plus the mean-predictor baseline's RMSE. */
export function regressionMetrics(actual: ArrayLike<number>, predicted: ArrayLike<number>): Metrics {
  const n = actual.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += actual[i] / n;
  let squares = 0;
  let absolute = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const error = predicted[i] - actual[i];
    squares += error * error;
    absolute += Math.abs(error);
    total += (actual[i] - mean) ** 2;
  }
  return { rmse: Math.sqrt(squares / n), mae: absolute / n, r2: total > 0 ? 1 - squares / total : NaN, baseline_rmse: Math.sqrt(total / n) };
}

/**
 * Classification metrics from class indices and per-class probabilities (n x k, row-major): accuracy,
 * precision/recall/F1 (of class 1 for binary, macro-averaged otherwise), ROC AUC (one-vs-rest macro for
 * multiclass), log loss, and the majority-class baseline's accuracy.
 */
export function classificationMetrics(actual: ArrayLike<number>, probabilities: ArrayLike<number>, k: number): Metrics {
  const n = actual.length;
  const confusion = Array.from({ length: k }, () => new Float64Array(k));
  const counts = new Float64Array(k);
  let logLoss = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (probabilities[i * k + j] > probabilities[i * k + best]) best = j;
    confusion[actual[i]][best]++;
    counts[actual[i]]++;
    logLoss -= Math.log(Math.min(1, Math.max(1e-15, probabilities[i * k + actual[i]])));
  }
  const precisionOf = (c: number) => {
    const predicted = confusion.reduce((sum, row) => sum + row[c], 0);
    return predicted ? confusion[c][c] / predicted : 0;
  };
  const recallOf = (c: number) => (counts[c] ? confusion[c][c] / counts[c] : 0);
  const f1Of = (c: number) => {
    const p = precisionOf(c);
    const r = recallOf(c);
    return p + r ? (2 * p * r) / (p + r) : 0;
  };
  const aucOf = (c: number) =>
    rocAuc(
      Float64Array.from({ length: n }, (_, i) => probabilities[i * k + c]),
      Array.from({ length: n }, (_, i) => actual[i] === c),
    );
  const classes = k === 2 ? [1] : Array.from({ length: k }, (_, c) => c);
  const average = (f: (c: number) => number) => {
    const values = classes.map(f).filter((v) => !Number.isNaN(v));
    return values.reduce((a, b) => a + b, 0) / values.length;
  };
  let correct = 0;
  for (let c = 0; c < k; c++) correct += confusion[c][c];
  return {
    accuracy: correct / n,
    precision: average(precisionOf),
    recall: average(recallOf),
    f1: average(f1Of),
    auc: average(aucOf),
    log_loss: logLoss / n,
    baseline_accuracy: Math.max(...counts) / n,
  };
}

/** Metrics for a task from class indices/values and the model's probabilities or point predictions. */
export function taskMetrics(task: Task, actual: ArrayLike<number>, predicted: { point: ArrayLike<number>; probabilities?: ArrayLike<number> }, k: number): Metrics {
  return task === 'regression' ? regressionMetrics(actual, predicted.point) : classificationMetrics(actual, predicted.probabilities!, k);
}
