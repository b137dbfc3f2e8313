import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ColumnBatch } from '../ml/columns.js';
import { scoringModel, type ColumnPredictions, type ModelFiles, type ScoringModel } from '../ml/model-store.js';
import { DataKernelError } from '../errors.js';
import { ensureRuntime, runtimesRoot } from './install.js';
import { kernelRuntime } from './kernel-runtime.js';
import { RuntimeWorker } from './runtime-worker.js';
import { describeRuntime, runtimeDependencies, runtimeKey, sameRuntime, type RuntimeSpec } from './spec.js';

/** Text of where a worker scores, from what it reported: "tfjs@4.21.0 wasm, worker 4242". */
export const workerLabel = (worker: RuntimeWorker): string => `tfjs@${worker.hello.tfjs} ${worker.hello.backend}, worker ${worker.pid}`;

/**
 * Runtime workers by runtime, one each, started on first use (installing the runtime if needed) and again
 * after one died. Models of the same runtime share its worker.
 */
export class RuntimeWorkers {
  private readonly workers = new Map<string, Promise<RuntimeWorker>>();
  private readonly specs = new WeakMap<RuntimeWorker, RuntimeSpec>();

  constructor(private readonly root = runtimesRoot()) {}

  /** The worker scoring with `spec` (installed once into its runtime folder; the kernel's own runtime needs none). */
  worker(spec: RuntimeSpec): Promise<RuntimeWorker> {
    const key = runtimeKey(spec);
    const current = this.workers.get(key);
    if (current) {
      return current.then((worker) => {
        if (worker.alive) return worker;
        if (this.workers.get(key) === current) this.workers.delete(key);
        return this.worker(spec);
      });
    }
    const started = startWorker(spec, this.root).then((worker) => {
      this.specs.set(worker, spec);
      return worker;
    });
    this.workers.set(key, started);
    started.catch(() => this.workers.delete(key));
    return started;
  }

  /** A model scoring in the worker of its recorded runtime (the kernel's own when it records none). */
  async model(files: ModelFiles): Promise<ScoringModel> {
    const spec = files.card.runtime ?? (await kernelRuntime());
    const worker = await this.worker(spec);
    const model = scoringModel(files, async (batch: ColumnBatch) => (await (await this.worker(spec)).call({ op: 'predict', dir: files.dir, batch })) as ColumnPredictions);
    // Loading it now reports a broken model at once, not at its first request.
    await model.predictRows([]);
    return { ...model, runtimeLabel: workerLabel(worker) };
  }

  /** The live workers, with the runtime each was started for and what it reported loading. */
  async list(): Promise<Array<{ spec: RuntimeSpec; worker: RuntimeWorker }>> {
    const entries = await Promise.allSettled(this.workers.values());
    return entries.flatMap((entry) => (entry.status === 'fulfilled' && entry.value.alive ? [{ spec: this.specs.get(entry.value)!, worker: entry.value }] : []));
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    const workers = await Promise.allSettled(this.workers.values());
    this.workers.clear();
    for (const result of workers) if (result.status === 'fulfilled') result.value.kill();
  }
}

/**
 * Where this package's own tfjs-core, tfjs-layers and backend resolve from, when they all do: a worker of the
 * kernel's runtime loads just those (about a second), not all of @tensorflow/tfjs with its webgl backend,
 * converter and data packages (about four).
 */
function ownRuntimeDir(spec: RuntimeSpec): string | undefined {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const require = createRequire(join(here, 'package.json'));
  try {
    for (const name of Object.keys(runtimeDependencies(spec))) require.resolve(`${name}/package.json`);
    return here;
  } catch {
    return undefined;
  }
}

/** Starts a worker for `spec`: on the package's own tfjs when that is the spec, else on its installed runtime. */
export async function startWorker(spec: RuntimeSpec, root = runtimesRoot(), duckdbThreads?: number): Promise<RuntimeWorker> {
  const own = sameRuntime(spec, await kernelRuntime());
  const dir = own ? ownRuntimeDir(spec) : await ensureRuntime(spec, root);
  const worker = await RuntimeWorker.start({ dir, spec, duckdbThreads });
  if (worker.hello.tfjs !== spec.tfjs || worker.hello.backend !== spec.backend) {
    worker.kill();
    throw new DataKernelError(`The worker for ${describeRuntime(spec)} loaded tfjs@${worker.hello.tfjs} ${worker.hello.backend}`, `Delete the runtime folder ${dir ?? '(own runtime)'} so it is installed again.`);
  }
  return worker;
}
