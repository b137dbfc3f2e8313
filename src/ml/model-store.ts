import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { io, LayersModel } from '@tensorflow/tfjs';
import { DataKernelError } from '../errors.js';
import type { Session } from '../session/session.js';
import { tensorflow } from './backend.js';
import { columnsFromRecords, type ColumnBatch, type InputType } from './columns.js';
import { denseForward } from './dense-forward.js';
import { predictInChunks } from './predict-chunks.js';
import { prepare, type Preparation } from './preparation.js';
import { classLabel, outputNames, outputUnits, pointPredictions, probabilities, type TargetEncoding, type Task } from './target.js';
import { fileLoadHandler, fileSaveHandler } from './tfjs-io.js';
import type { RuntimeSpec } from '../runtimes/spec.js';
import { makeDirectory } from '../fs/make-directory.js';

/** One model input: its name, value type, and whether training saw it always present. */
export interface InputField {
  name: string;
  type: InputType;
  required: boolean;
}

/** What a registry version records about itself (meta.json). */
export interface ModelCard {
  name: string;
  version: number;
  task: Task;
  /** linear | logistic | softmax | mlp | custom */
  kind: string;
  createdAt: string;
  /** TF.js backend that trained it, and the solver (e.g. "normal-equation", "irls", "adam"). */
  backend: string;
  solver: string;
  /** sha256 of the training data's feature and target values. */
  fingerprint: string;
  rows: number;
  params: Record<string, unknown>;
  runId?: string;
  /** What scoring it needs: tfjs version, backend, npm packages (absent on models stored before runtimes were recorded). */
  runtime?: RuntimeSpec;
  /** The tfjs that trained it, as it reported its version, and where: in the kernel or in its runtime's worker. */
  trainedIn?: { tfjs: string; where: 'kernel' | 'worker' };
}

/** Predictions for a batch: point predictions plus per-class probabilities (n x classes, row-major). */
export interface ColumnPredictions {
  /** Class index (classification) or value (regression) per row. */
  point: Float64Array;
  probabilities?: Float32Array;
}

/** A model version ready to score raw feature values, in this process or in a runtime worker. */
export interface ScoringModel {
  name: string;
  version: number;
  task: Task;
  inputSchema: InputField[];
  /** Keys of each prediction record: "prediction", then "probability_CLASS" per class. */
  outputNames: string[];
  /** Scores raw feature records (the saved preparation is applied here); one output record per input. */
  predictRows(rows: Record<string, unknown>[]): Promise<Record<string, unknown>[]>;
  /** Scores a column batch without building records (used for millions of rows). */
  predictColumns(batch: ColumnBatch): Promise<ColumnPredictions>;
  /** The class label (classification) for a point prediction value. */
  label(point: number): string | number;
  dir: string;
  card: ModelCard;
  metrics: Record<string, number>;
  preparation: Preparation;
  target: TargetEncoding;
  /** Where it scores when not in this process, e.g. "tfjs@4.21.0 wasm, worker 4242". */
  runtimeLabel?: string;
}

/** A model version loaded into this process's tfjs. */
export interface LoadedModel extends ScoringModel {
  model: LayersModel;
}

/** The JSON files of a registry version: everything but the network itself (no tfjs needed to read them). */
export interface ModelFiles {
  dir: string;
  card: ModelCard;
  preparation: Preparation;
  target: TargetEncoding;
  inputSchema: InputField[];
  metrics: Record<string, number>;
}

/** A network that writes itself through a tfjs save handler: a LayersModel, or one trained in a worker. */
export interface SavableModel {
  save(handler: io.IOHandler): Promise<io.SaveResult>;
}

/** Everything that is written for a new version. */
export interface ModelArtifacts {
  model: SavableModel;
  preparation: Preparation;
  target: TargetEncoding;
  inputSchema: InputField[];
  metrics: Record<string, number>;
  card: Omit<ModelCard, 'name' | 'version' | 'createdAt'>;
}

/** Folder of all models of a project: .datakernel/models. */
export const modelsRoot = (session: Session): string => join(session.stateDir, 'models');

const NAME = /^[A-Za-z_][\w.-]*$/;
// Up to this much arithmetic the typed-array forward pass beats tfjs-wasm, whose fixed cost per call (~70 µs)
// dwarfs a few rows' multiply-adds (~1 ns each in JS); beyond it wasm's SIMD kernels win (measured crossover:
// ~16 rows of the 9 -> 64 -> 32 -> 1 MLP in bench/ml-predict.ts).
const DENSE_JS_MAX_MACS = 50_000;

/** Checks a model name (it becomes a folder name); throws with a hint when it is not usable. */
export function checkModelName(name: string): string {
  if (!NAME.test(name)) throw new DataKernelError(`"${name}" is not a valid model name`, 'Use letters, digits, "_", "-" or ".", starting with a letter.');
  return name;
}

/** Version numbers stored for `name`, ascending. */
export function modelVersions(session: Session, name: string): number[] {
  const dir = join(modelsRoot(session), name);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((entry) => /^\d+$/.test(entry) && existsSync(join(dir, entry, 'meta.json')))
    .map(Number)
    .sort((a, b) => a - b);
}

/** The folder of `name[@version]` (latest version when none is given); throws when it does not exist. */
export function resolveModelDir(session: Session, spec: string): string {
  const [name, version] = spec.split('@');
  checkModelName(name);
  const versions = modelVersions(session, name);
  if (versions.length === 0) {
    throw new DataKernelError(`No model named "${name}"`, 'Train one with %train NAME --data SOURCE --target COLUMN; %models lists the models.');
  }
  if (version === undefined || version === '' || version === 'latest') return join(modelsRoot(session), name, String(versions.at(-1)));
  if (!versions.includes(Number(version))) {
    throw new DataKernelError(`Model "${name}" has no version ${version}`, `Versions: ${versions.join(', ')}.`);
  }
  return join(modelsRoot(session), name, String(Number(version)));
}

const readJson = async <T>(dir: string, file: string): Promise<T> => JSON.parse(await readFile(join(dir, file), 'utf8')) as T;

/** Writes a new version of `name` (one more than the latest) and returns its card and folder. */
export async function saveModelVersion(session: Session, name: string, artifacts: ModelArtifacts): Promise<{ dir: string; card: ModelCard }> {
  checkModelName(name);
  const root = join(modelsRoot(session), name);
  makeDirectory(root);
  let version = (readdirSync(root).filter((e) => /^\d+$/.test(e)).map(Number).sort((a, b) => a - b).at(-1) ?? 0) + 1;
  // mkdir without `recursive` fails when another process took the version first: then take the next one.
  for (;; version++) {
    try {
      mkdirSync(join(root, String(version)));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const dir = join(root, String(version));
  const tf = await tensorflow();
  await artifacts.model.save(fileSaveHandler(tf, dir));
  const card: ModelCard = { name, version, createdAt: new Date().toISOString(), ...artifacts.card };
  await writeFile(join(dir, 'preparation.json'), JSON.stringify({ ...artifacts.preparation, target: artifacts.target }, null, 2));
  await writeFile(join(dir, 'schema.json'), JSON.stringify(artifacts.inputSchema, null, 2));
  await writeFile(join(dir, 'metrics.json'), JSON.stringify(artifacts.metrics, null, 2));
  // meta.json last: a version counts as stored only once it exists (see modelVersions).
  await writeFile(join(dir, 'meta.json'), JSON.stringify(card, null, 2));
  return { dir, card };
}

/** Reads a registry version folder's card, preparation, schema and metrics. */
export async function readModelFiles(dir: string): Promise<ModelFiles> {
  if (!existsSync(join(dir, 'meta.json'))) {
    throw new DataKernelError(`${dir} is not a datakernel model folder`, 'Pass a folder from .datakernel/models/NAME/VERSION (see %models).');
  }
  const card = await readJson<ModelCard>(dir, 'meta.json');
  const { target, ...preparation } = await readJson<Preparation & { target: TargetEncoding }>(dir, 'preparation.json');
  const inputSchema = await readJson<InputField[]>(dir, 'schema.json');
  const metrics = await readJson<Record<string, number>>(dir, 'metrics.json');
  return { dir, card, preparation, target, inputSchema, metrics };
}

/** A ScoringModel over `predictColumns` (wherever it runs): records in and out, labels, schema. */
export function scoringModel(files: ModelFiles, predictColumns: ScoringModel['predictColumns']): ScoringModel {
  const { card, target, inputSchema } = files;
  const types = Object.fromEntries(inputSchema.map((field) => [field.name, field.type]));
  const names = outputNames(target);
  const label = (point: number) => (target.task === 'regression' ? point : classLabel(target, point));
  return {
    ...files,
    name: card.name,
    version: card.version,
    task: card.task,
    outputNames: names,
    label,
    predictColumns,
    async predictRows(rows) {
      const { point, probabilities: probs } = await predictColumns(columnsFromRecords(rows, types));
      const classes = names.length - 1;
      return rows.map((_, i) => {
        const record: Record<string, unknown> = { prediction: label(point[i]) };
        for (let j = 0; j < classes; j++) record[names[j + 1]] = probs![i * classes + j];
        return record;
      });
    },
  };
}

/** Loads a registry version folder (from resolveModelDir) into this process's tfjs. */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const files = await readModelFiles(dir);
  const { preparation, target } = files;
  const tf = await tensorflow();
  const model = await tf.loadLayersModel(await fileLoadHandler(tf, dir));
  // Built-in dense models score small batches (served requests) on typed arrays; custom models go through tfjs.
  const dense = denseForward(model);

  /** Raw model outputs (n x units, row-major) for `n` prepared rows. */
  async function modelOutputs(x: Float32Array, n: number): Promise<Float32Array> {
    if (dense && n * dense.macsPerRow <= DENSE_JS_MAX_MACS) return dense.predict(x, n);
    return predictInChunks(tf, model, x, n, preparation.outputColumns.length, outputUnits(target));
  }

  async function predictColumns(batch: ColumnBatch): Promise<ColumnPredictions> {
    const raw = await modelOutputs(prepare(preparation, batch), batch.length);
    return { point: pointPredictions(target, raw, batch.length), probabilities: probabilities(target, raw, batch.length) };
  }

  return { ...scoringModel(files, predictColumns), model };
}

/** Cards and metrics of every stored version (of `name` only, when given), by name then version. */
export async function listModels(session: Session, name?: string): Promise<Array<ModelCard & { metrics: Record<string, number> }>> {
  const root = modelsRoot(session);
  if (!existsSync(root)) return [];
  const names = name === undefined ? readdirSync(root).filter((entry) => NAME.test(entry)).sort() : [checkModelName(name)];
  return names.flatMap((model) =>
    modelVersions(session, model).map((version) => {
      const dir = join(root, model, String(version));
      const read = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));
      return { ...(read('meta.json') as ModelCard), metrics: read('metrics.json') as Record<string, number> };
    }),
  );
}

