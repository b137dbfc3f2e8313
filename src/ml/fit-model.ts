import type { LayersModel } from '@tensorflow/tfjs';
import { buildModel, type ModelKind } from './architectures.js';
import { withKernelFallback, type Tf } from './backend.js';
import { fitDense } from './fit-dense.js';
import { fitTfjs, type TrainingArrays } from './fit-tfjs.js';
import { taskMetrics, type Metrics } from './metrics.js';
import { predictInChunks } from './predict-chunks.js';
import type { EpochLog } from './runs.js';
import { fitLinear, fitLogistic, type LinearWeights } from './solvers.js';
import { pointPredictions, probabilities, type TargetEncoding } from './target.js';

/**
 * What one fit needs, as plain data and typed arrays: it runs in the kernel, or is sent as it is to a runtime
 * worker that fits on its own tfjs.
 */
export interface FitPlan {
  kind: ModelKind | 'custom';
  target: TargetEncoding;
  /** Prepared feature width and output units. */
  d: number;
  units: number;
  seed: number;
  hidden: number[];
  epochs: number;
  batchSize: number;
  learningRate: number;
  trainSet: TrainingArrays;
  validationX: Float32Array;
  validationY: Float32Array;
  validationRows: number;
}

/** A fitted network with its epoch history, final metrics, and the solver and backend that fitted it. */
export interface Fitted {
  model: LayersModel;
  history: EpochLog[];
  metrics: Metrics;
  solver: string;
  backend: string;
}

/** Reports progress: epochs done and the text shown beside the bar. */
export type FitProgress = (done: number, detail: string) => void;

// The dedicated solvers build a (d+1)^2 matrix per pass; beyond these widths gradient descent is cheaper.
const MAX_NORMAL_EQUATION_WIDTH = 500;
const MAX_IRLS_WIDTH = 200;

/** Raw model outputs (n x units) for a prepared matrix. */
function scoreOutputs(target: TargetEncoding, raw: Float32Array, actual: Float32Array): Metrics {
  const n = actual.length;
  const point = pointPredictions(target, raw, n);
  const truth = target.task === 'regression' ? Float64Array.from(actual, (v) => v * target.std! + target.mean!) : actual;
  return taskMetrics(target.task, truth, { point, probabilities: probabilities(target, raw, n) }, target.classes?.length ?? 1);
}

// Validation loss on the training loss's scale: log loss, or the MSE of the standardised target.
const validationLoss = (target: TargetEncoding, metrics: Metrics) => (target.task === 'regression' ? (metrics.rmse / target.std!) ** 2 : metrics.log_loss);

function setLinearWeights(tf: Tf, model: LayersModel, fitted: LinearWeights): void {
  const d = fitted.weights.length;
  model.getLayer('output').setWeights([tf.tensor2d(Float32Array.from(fitted.weights), [d, 1]), tf.tensor1d([fitted.bias])]);
}

/**
 * Builds the plan's network on `tf` (or takes `custom`, built on the same tfjs) and fits it: exact solvers for
 * linear and binary logistic models, hand-written backpropagation for the built-in networks, tfjs's fit for
 * custom ones; each epoch is scored on the validation split and reported.
 */
export async function fitModel(tf: Tf, plan: FitPlan, custom: LayersModel | undefined, onProgress: FitProgress): Promise<Fitted> {
  const { target, d, units, trainSet, validationX, validationY, validationRows, epochs, batchSize } = plan;
  // Multiclass logistic regression is a softmax layer.
  const model = custom ?? buildModel(tf, plan.kind === 'logistic' && target.task === 'multiclass' ? 'softmax' : (plan.kind as ModelKind), target.task, d, units, plan.seed, plan.hidden);

  const history: EpochLog[] = [];
  let lastDetail = '';
  const evaluate = async (): Promise<Metrics> =>
    validationRows > 0 ? scoreOutputs(target, predictInChunks(tf, model, validationX, validationRows, d, units), validationY) : {};
  const logEpoch = async (epoch: number, loss: number, withValidation = true) => {
    const metrics = withValidation ? await evaluate() : {};
    const entry: EpochLog = { epoch, loss };
    if (metrics.log_loss !== undefined || metrics.rmse !== undefined) entry.val_loss = validationLoss(target, metrics);
    for (const key of ['accuracy', 'auc', 'rmse', 'r2']) if (metrics[key] !== undefined) entry[`val_${key}`] = metrics[key];
    history.push(entry);
    lastDetail = Object.entries(entry).filter(([k]) => k !== 'epoch').map(([k, v]) => `${k} ${v.toPrecision(4)}`).join('  ');
    onProgress(epoch, lastDetail);
  };
  // Within a long epoch the display shows the batch, and keeps the last epoch's numbers.
  const batches = Math.ceil(trainSet.n / batchSize);
  const onBatch = (epoch: number, batch: number) => onProgress(epoch - 1, `epoch ${epoch}: batch ${batch}/${batches}  ${lastDetail}`);

  let solver = 'adam';
  let backend = tf.getBackend();
  if (!custom && plan.kind === 'linear' && d <= MAX_NORMAL_EQUATION_WIDTH) {
    solver = 'normal-equation';
    setLinearWeights(tf, model, fitLinear(trainSet.x, trainSet.y, trainSet.n, d));
    const raw = predictInChunks(tf, model, trainSet.x, trainSet.n, d, units);
    await logEpoch(1, raw.reduce((sum, v, i) => sum + (v - trainSet.y[i]) ** 2, 0) / trainSet.n);
  } else if (!custom && plan.kind === 'logistic' && target.task === 'binary' && d <= MAX_IRLS_WIDTH) {
    solver = 'irls';
    const losses: number[] = [];
    setLinearWeights(tf, model, fitLogistic(trainSet.x, trainSet.y, trainSet.n, d, epochs, (_, loss) => losses.push(loss)));
    for (let i = 0; i < losses.length; i++) await logEpoch(i + 1, losses[i], i === losses.length - 1);
  } else {
    // Built-in networks train with hand-written backpropagation (fit-dense.ts); custom models with tfjs's fit.
    const fit = custom ? fitTfjs : fitDense;
    backend = await withKernelFallback((active) =>
      fit(tf, model, trainSet, { task: target.task, units, epochs, batchSize, seed: plan.seed, learningRate: plan.learningRate, onBatch, onEpoch: (epoch, loss) => logEpoch(epoch, loss) }).then(() => active),
    );
  }
  const metrics: Metrics =
    validationRows > 0 ? await evaluate() : scoreOutputs(target, predictInChunks(tf, model, trainSet.x, trainSet.n, d, units), trainSet.y);
  return { model, history, metrics, solver, backend };
}
