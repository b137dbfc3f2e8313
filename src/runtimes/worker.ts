// A runtime worker: a child process that scores with the tfjs of one runtime folder (or the package's own tfjs
// when started without one), for models whose runtime differs from the kernel's and for parallel batch
// prediction. It answers the parent's requests over the IPC channel (see protocol.ts).
import { renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { io } from '@tensorflow/tfjs';
import { DataKernelError } from '../errors.js';
import { tensorflow, useTensorflow } from '../ml/backend.js';
import { fitModel, type FitPlan } from '../ml/fit-model.js';
import { loadModel, type LoadedModel } from '../ml/model-store.js';
import { savedArtifacts } from '../ml/tfjs-io.js';
import { scoreRelation } from '../ml/score-relation.js';
import { relationOf } from '../sql/column-writer.js';
import { quoteLiteral } from '../sql/identifiers.js';
import { RUNTIME_BACKEND_ENV, RUNTIME_DIR_ENV, RUNTIME_PACKAGES_ENV, type PartScored, type ScorePart, type WorkerFitted, type WorkerMessage, type WorkerRequest } from './protocol.js';
import { runtimeTensorflow } from './runtime-tensorflow.js';
import type { RuntimeBackend } from './spec.js';

const PROGRESS_EVERY_MS = 100;
const runtimeDir = process.env[RUNTIME_DIR_ENV];
if (runtimeDir) {
  const packages = (process.env[RUNTIME_PACKAGES_ENV] ?? '').split(',').filter(Boolean);
  useTensorflow(runtimeTensorflow(runtimeDir, (process.env[RUNTIME_BACKEND_ENV] ?? 'wasm') as RuntimeBackend, packages));
}

const models = new Map<string, Promise<LoadedModel>>();
const modelFor = (dir: string): Promise<LoadedModel> => {
  let model = models.get(dir);
  if (!model) models.set(dir, (model = loadModel(dir)));
  return model;
};

let database: Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> | undefined;
const duckdb = () =>
  (database ??= (async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const threads = Number(process.env.DATAKERNEL_WORKER_THREADS);
    const instance = await DuckDBInstance.create(':memory:', Number.isInteger(threads) && threads > 0 ? { threads: String(threads) } : undefined);
    return { instance, connection: await instance.connect() };
  })());

const send = (message: WorkerMessage) => process.send!(message);

/** Scores one part of a batch prediction straight from its Parquet file into its part file. */
async function scorePart(id: number, dir: string, part: ScorePart, batchSize: number | undefined): Promise<PartScored> {
  const started = Date.now();
  const cpu = process.cpuUsage();
  const db = await duckdb();
  const model = await modelFor(dir);
  const end = part.firstRow + part.rows;
  const relation = `(SELECT * EXCLUDE (file_row_number) FROM read_parquet(${quoteLiteral(part.file)}, file_row_number = true) WHERE file_row_number >= ${part.firstRow} AND file_row_number < ${end})`;
  let shown = 0;
  const output = await scoreRelation(db, relation, model, {
    batchSize,
    onRows: (done) => {
      if (Date.now() - shown < PROGRESS_EVERY_MS) return;
      shown = Date.now();
      send({ id, progress: done });
    },
  });
  const temporary = join(dirname(part.output), `.${basename(part.output)}.dk-tmp-${process.pid}`);
  try {
    const table = relationOf(output);
    const rows = Number((await db.connection.runAndReadAll(`SELECT count(*) FROM ${table}`)).getRows()[0][0]);
    if (rows !== part.rows) throw new DataKernelError(`Part ${part.index} of ${part.file} has ${rows} rows, expected ${part.rows}`, 'The file changed while it was being scored: run the prediction again.');
    await db.connection.run(`COPY ${table} TO ${quoteLiteral(temporary)} (FORMAT parquet)`);
    await db.connection.run(`DROP TABLE ${table}`);
    // One rename publishes the finished part: the parent never sees a half-written file under its final name.
    renameSync(temporary, part.output);
    const used = process.cpuUsage(cpu);
    return { rows, seconds: (Date.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** Fits a network on this worker's tfjs and returns it saved as artifacts, streaming epoch progress. */
async function train(id: number, plan: FitPlan, custom: io.ModelArtifacts | undefined): Promise<WorkerFitted> {
  const tf = await tensorflow();
  const model = custom ? await tf.loadLayersModel(tf.io.fromMemory(custom)) : undefined;
  const fitted = await fitModel(tf, plan, model, (done, detail) => send({ id, progress: done, detail }));
  const { model: fittedModel, ...rest } = fitted;
  return { ...rest, artifacts: await savedArtifacts(tf, fittedModel), tfjs: tf.version_core };
}

async function answer(request: WorkerRequest): Promise<WorkerMessage> {
  try {
    switch (request.op) {
      case 'hello': {
        const tf = await tensorflow();
        return { id: request.id, ok: true, value: { pid: process.pid, tfjs: tf.version_core, backend: tf.getBackend() } };
      }
      case 'predict':
        return { id: request.id, ok: true, value: await (await modelFor(request.dir)).predictColumns(request.batch) };
      case 'score':
        return { id: request.id, ok: true, value: await scorePart(request.id, request.dir, request.part, request.batchSize) };
      case 'train':
        return { id: request.id, ok: true, value: await train(request.id, request.plan, request.custom) };
    }
  } catch (error) {
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
    return { id: request.id, ok: false, error: { name, message, hint: error instanceof DataKernelError ? error.hint : undefined } };
  }
}

process.on('message', (request: WorkerRequest) => {
  void answer(request).then(send);
});
// The parent gone (killed, or closed the channel) leaves nothing for this worker to do.
process.on('disconnect', () => process.exit(0));
