import type { LayersModel } from '@tensorflow/tfjs';
import { Progress } from '../display/progress.js';
import { DataKernelError } from '../errors.js';
import { currentSession, type Session } from '../session/session.js';
import { buildModel, checkKind, DEFAULT_HIDDEN, type ModelKind } from './architectures.js';
import { tensorflow, withKernelFallback, type Tf } from './backend.js';
import type { Variables } from './data-source.js';
import { fingerprint } from './fingerprint.js';
import { fitDense } from './fit-dense.js';
import { fitTfjs } from './fit-tfjs.js';
import { taskMetrics, type Metrics } from './metrics.js';
import { checkModelName, saveModelVersion, type InputField } from './model-store.js';
import { predictInChunks } from './predict-chunks.js';
import { newRunId, recordRun, type EpochLog } from './runs.js';
import { fitLinear, fitLogistic, type LinearWeights } from './solvers.js';
import { outputUnits, pointPredictions, probabilities, type TargetEncoding, type Task } from './target.js';
import { loadTrainingSet } from './training-set.js';
import { TrainResult } from './train-result.js';
import { kernelRuntime } from '../runtimes/kernel-runtime.js';
import { checkRuntime, parseRuntime, type RuntimeSpec } from '../runtimes/spec.js';

/** The runtime recorded for a new model: the kernel's, with what the caller asked for changed. */
async function recordedRuntime(asked: TrainOptions['runtime']): Promise<RuntimeSpec> {
  const own = await kernelRuntime();
  if (asked === undefined) return own;
  if (typeof asked === 'string') return parseRuntime(asked, own);
  return checkRuntime({ ...own, ...asked, packages: { ...own.packages, ...asked.packages } });
}

/** Options of `train()`; the same as %train's flags. */
export interface TrainOptions {
  /** Registry name; each training stores the next version. */
  name: string;
  /** A table/view name, file path, variable name (with `variables`), or the data itself (records, QueryResult, DataFrame). */
  data: string | object;
  target: string;
  /** Feature columns. @default every column but the target */
  features?: string[];
  /**
   * A built-in kind, or your own tfjs layers model, or a function building one from the prepared feature width
   * and the output units (your model is compiled with Adam and the task's loss). @default "mlp"
   */
  model?: ModelKind | LayersModel | ((inputs: number, units: number) => LayersModel);
  /** Overrides the task inferred from the target. */
  task?: Task;
  /** @default 30 */
  epochs?: number;
  /** @default 64 */
  batchSize?: number;
  /** Share of rows held out to validate. @default 0.2 */
  validation?: number;
  /** Seeds the split, the shuffles and the initial weights. @default 42 */
  seed?: number;
  /** Adam's learning rate. @default 0.005 */
  learningRate?: number;
  /** Hidden layer sizes of the MLP. @default [64, 32] */
  hidden?: number[];
  /** The project whose registry and catalog are used. @default the engine's session (currentSession()) */
  session?: Session;
  /** Where variable names in `data` are looked up. */
  variables?: Variables;
  /** Folder relative file paths in `data` start from. @default the session's project folder */
  cwd?: string;
  /** Code recorded with the run (the cell's source). */
  cellSource?: string;
  /**
   * The runtime the model is scored with, recorded in its card: "tfjs@4.21.0[,backend=cpu][,pkg@1.2.3]" or
   * the fields to change. %predict and serving run a model whose runtime is not the kernel's in a worker
   * with that runtime installed. @default the tfjs version and backend this process trained with
   */
  runtime?: string | Partial<RuntimeSpec>;
}

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
 * Trains a model on a data source and stores it as the next version of `name` in the project's registry
 * (.datakernel/models/NAME/VERSION), recording the run in the catalog. Shows live progress in the current cell.
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const started = Date.now();
  const session = options.session ?? currentSession();
  const name = checkModelName(options.name);
  const seed = options.seed ?? 42;
  const epochs = options.epochs ?? 30;
  const batchSize = options.batchSize ?? 64;
  const share = options.validation ?? 0.2;
  const learningRate = options.learningRate ?? 0.005;
  const hidden = options.hidden ?? DEFAULT_HIDDEN;
  if (!(share >= 0 && share < 1)) throw new DataKernelError(`--validation must be in [0, 1), got ${share}`, 'Use e.g. --validation 0.2 (or 0 to train on every row).');
  if (!(epochs >= 1 && batchSize >= 1)) throw new DataKernelError('--epochs and --batch must be at least 1', 'Use e.g. --epochs 30 --batch 64.');
  const runtime = await recordedRuntime(options.runtime);

  const { batch, featureNames, target, trainRows, validationRows, preparation, trainSet, validationX, validationY } = await loadTrainingSet(session, options, share, seed);
  const d = trainSet.d;
  const units = outputUnits(target);

  const tf = await tensorflow();
  const custom = typeof options.model === 'function' ? options.model(d, units) : typeof options.model === 'object' ? options.model : undefined;
  const kind = custom ? 'custom' : checkKind(options.model as string | undefined, target.task);
  // Multiclass logistic regression is a softmax layer.
  const model = custom ?? buildModel(tf, kind === 'logistic' && target.task === 'multiclass' ? 'softmax' : (kind as ModelKind), target.task, d, units, seed, hidden);
  const shape = model.inputs[0]?.shape;
  if (shape?.[1] !== d) throw new DataKernelError(`The model takes ${shape?.[1]} inputs, but the prepared features are ${d} columns`, `Build it with inputShape: [${d}] (columns: ${preparation.outputColumns.slice(0, 8).join(', ')}${d > 8 ? ', ...' : ''}).`);

  const history: EpochLog[] = [];
  let lastDetail = '';
  const backend = tf.getBackend();
  const progress = new Progress({ label: `Training ${name} (${kind}, ${backend})`, total: epochs, unit: 'epochs' });
  const evaluate = async (): Promise<Metrics> =>
    validationRows.length > 0 ? scoreOutputs(target, predictInChunks(tf, model, validationX, validationRows.length, d, units), validationY) : {};
  const logEpoch = async (epoch: number, loss: number, withValidation = true) => {
    const metrics = withValidation ? await evaluate() : {};
    const entry: EpochLog = { epoch, loss };
    if (metrics.log_loss !== undefined || metrics.rmse !== undefined) entry.val_loss = validationLoss(target, metrics);
    for (const key of ['accuracy', 'auc', 'rmse', 'r2']) if (metrics[key] !== undefined) entry[`val_${key}`] = metrics[key];
    history.push(entry);
    lastDetail = Object.entries(entry).filter(([k]) => k !== 'epoch').map(([k, v]) => `${k} ${v.toPrecision(4)}`).join('  ');
    progress.update(epoch, lastDetail);
  };
  // Within a long epoch the display shows the batch, and keeps the last epoch's numbers.
  const batches = Math.ceil(trainSet.n / batchSize);
  const onBatch = (epoch: number, batch: number) => progress.update(epoch - 1, `epoch ${epoch}: batch ${batch}/${batches}  ${lastDetail}`);

  let solver = 'adam';
  let usedBackend = backend;
  if (!custom && kind === 'linear' && d <= MAX_NORMAL_EQUATION_WIDTH) {
    solver = 'normal-equation';
    setLinearWeights(tf, model, fitLinear(trainSet.x, trainSet.y, trainSet.n, d));
    const raw = predictInChunks(tf, model, trainSet.x, trainSet.n, d, units);
    await logEpoch(1, raw.reduce((sum, v, i) => sum + (v - trainSet.y[i]) ** 2, 0) / trainSet.n);
  } else if (!custom && kind === 'logistic' && target.task === 'binary' && d <= MAX_IRLS_WIDTH) {
    solver = 'irls';
    const losses: number[] = [];
    setLinearWeights(tf, model, fitLogistic(trainSet.x, trainSet.y, trainSet.n, d, epochs, (_, loss) => losses.push(loss)));
    for (let i = 0; i < losses.length; i++) await logEpoch(i + 1, losses[i], i === losses.length - 1);
  } else {
    // Built-in networks train with hand-written backpropagation (fit-dense.ts); custom models with tfjs's fit.
    const fit = custom ? fitTfjs : fitDense;
    usedBackend = await withKernelFallback((active) =>
      fit(tf, model, trainSet, {
        task: target.task,
        units,
        epochs,
        batchSize,
        seed,
        learningRate,
        onBatch,
        onEpoch: (epoch, loss) => logEpoch(epoch, loss),
      }).then(() => active),
    );
  }
  const metrics: Metrics =
    validationRows.length > 0 ? await evaluate() : scoreOutputs(target, predictInChunks(tf, model, trainSet.x, trainSet.n, d, units), trainSet.y);
  progress.finish(`done: ${history.length} ${solver === 'irls' ? 'iterations' : 'epochs'}`);

  const inputSchema: InputField[] = preparation.features.map((step) => ({ name: step.name, type: step.type, required: !step.indicator }));
  const params = { kind, task: target.task, target: options.target, features: featureNames, epochs, batchSize, validation: share, seed, learningRate, ...(kind === 'mlp' ? { hidden } : {}) };
  const dataFingerprint = fingerprint(batch);
  const runId = newRunId();
  const { dir, card } = await saveModelVersion(session, name, {
    model,
    preparation,
    target,
    inputSchema,
    metrics,
    card: { task: target.task, kind, backend: usedBackend, solver, fingerprint: dataFingerprint, rows: batch.length, params, runId, runtime },
  });
  const durationMs = Date.now() - started;
  await recordRun(session, {
    id: runId,
    model: name,
    version: card.version,
    startedAt: new Date(started),
    durationMs,
    task: target.task,
    kind,
    backend: usedBackend,
    solver,
    params,
    history,
    metrics,
    fingerprint: dataFingerprint,
    rows: batch.length,
    code: options.cellSource ?? '',
  });
  return new TrainResult(name, card.version, dir, target.task, kind, usedBackend, solver, metrics, history, runId, durationMs, {
    train: trainRows.length,
    validation: validationRows.length,
  });
}
