import { loadModel, readModelFiles, type ScoringModel } from '../ml/model-store.js';
import { kernelRuntime } from './kernel-runtime.js';
import type { RuntimeWorkers } from './runtime-workers.js';
import { sameRuntime } from './spec.js';

/**
 * A registry version ready to score: loaded in this process when its runtime is the kernel's own (or it records
 * none), else in the worker of its runtime. `isolated` puts it in a worker either way.
 */
export async function openModel(dir: string, workers: RuntimeWorkers, options: { isolated?: boolean } = {}): Promise<ScoringModel> {
  const files = await readModelFiles(dir);
  const runtime = files.card.runtime;
  if (!options.isolated && (runtime === undefined || sameRuntime(runtime, await kernelRuntime()))) return loadModel(dir);
  return workers.model(files);
}
