import type { LayersModel } from '@tensorflow/tfjs';
import { Progress } from '../display/progress.js';
import { DataKernelError } from '../errors.js';
import { kernelRuntime } from '../runtimes/kernel-runtime.js';
import { workerLabel } from '../runtimes/runtime-workers.js';
import { sessionWorkers } from '../runtimes/session-workers.js';
import { checkRuntime, parseRuntime, sameRuntime, type RuntimeSpec } from '../runtimes/spec.js';
import { fitInWorker } from '../runtimes/train-in-worker.js';
import { currentSession, type Session } from '../session/session.js';
import { checkKind, DEFAULT_HIDDEN, type ModelKind } from './architectures.js';
import { tensorflow } from './backend.js';
import type { Variables } from './data-source.js';
import { fingerprint } from './fingerprint.js';
import { fitModel, type FitPlan } from './fit-model.js';
import { checkModelName, saveModelVersion, type InputField } from './model-store.js';
import { newRunId, recordRun } from './runs.js';
import { outputUnits, type Task } from './target.js';
import { loadTrainingSet } from './training-set.js';
import { TrainResult } from './train-result.js';

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
   * The runtime the model is trained and scored with, recorded in its card: "tfjs@4.21.0[,backend=cpu][,pkg@1.2.3]"
   * or the fields to change. A runtime other than the kernel's trains in a worker with that runtime installed
   * (the one %predict and serving score it in). @default the tfjs version and backend of this process
   */
  runtime?: string | Partial<RuntimeSpec>;
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
  const shape = custom?.inputs[0]?.shape;
  if (custom && shape?.[1] !== d) throw new DataKernelError(`The model takes ${shape?.[1]} inputs, but the prepared features are ${d} columns`, `Build it with inputShape: [${d}] (columns: ${preparation.outputColumns.slice(0, 8).join(', ')}${d > 8 ? ', ...' : ''}).`);
  const plan: FitPlan = { kind, target, d, units, seed, hidden, epochs, batchSize, learningRate, trainSet, validationX, validationY, validationRows: validationRows.length };

  // A runtime other than the kernel's trains in its worker, on the tfjs it will be scored with.
  const inKernel = sameRuntime(runtime, await kernelRuntime());
  const worker = inKernel ? undefined : await sessionWorkers(session).worker(runtime);
  const where = worker ? workerLabel(worker) : tf.getBackend();
  const progress = new Progress({ label: `Training ${name} (${kind}, ${where})`, total: epochs, unit: 'epochs' });
  const onProgress = (done: number, detail: string) => progress.update(done, detail);
  const { model, history, metrics, solver, backend, trainedIn } = worker
    ? await fitInWorker(session, worker, plan, custom, onProgress)
    : { ...(await fitModel(tf, plan, custom, onProgress)), trainedIn: { tfjs: tf.version_core, where: 'kernel' as const } };
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
    card: { task: target.task, kind, backend, solver, fingerprint: dataFingerprint, rows: batch.length, params, runId, runtime, trainedIn },
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
    backend,
    solver,
    params,
    history,
    metrics,
    fingerprint: dataFingerprint,
    rows: batch.length,
    code: options.cellSource ?? '',
  });
  return new TrainResult(name, card.version, dir, target.task, kind, backend, solver, metrics, history, runId, durationMs, {
    train: trainRows.length,
    validation: validationRows.length,
  });
}
