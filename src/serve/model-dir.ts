import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataKernelError } from '../errors.js';
import type { ScoringModel } from '../ml/model-store.js';
import type { RuntimeWorkers } from '../runtimes/runtime-workers.js';

const isVersionDir = (dir: string) => existsSync(join(dir, 'meta.json'));

const subdirs = (dir: string) =>
  readdirSync(dir)
    .map((entry) => join(dir, entry))
    .filter((path) => statSync(path).isDirectory());

/**
 * The version folders under `dir`, which may be one version (NAME/VERSION, with meta.json), one model
 * (NAME, with version folders, as TF Serving's model_base_path) or a whole registry (.datakernel/models).
 */
export function findVersionDirs(dir: string): string[] {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new DataKernelError(`Model folder ${root} does not exist`, 'Pass --model-dir .datakernel/models (all models) or .datakernel/models/NAME.');
  }
  if (isVersionDir(root)) return [root];
  const versions = subdirs(root).filter(isVersionDir);
  if (versions.length) return versions;
  const nested = subdirs(root).flatMap((model) => subdirs(model).filter(isVersionDir));
  if (nested.length) return nested;
  throw new DataKernelError(`No models in ${root}`, 'Train one with %train, then pass its .datakernel/models folder (or .datakernel/models/NAME).');
}

/**
 * Loads every model version under `dir` (see findVersionDirs): in this process, or in `workers` for a model
 * whose recorded runtime is not this process's.
 */
export async function loadModelDir(dir: string, workers: RuntimeWorkers): Promise<ScoringModel[]> {
  const { openModel } = await import('../runtimes/open-model.js');
  const models: ScoringModel[] = [];
  for (const versionDir of findVersionDirs(dir)) models.push(await openModel(versionDir, workers));
  return models;
}

/**
 * Loads version folders that appear under `dir` after start (a new %train version), checking every
 * `seconds` like TF Serving's file system polling; returns a function that stops polling.
 */
export function pollModelDir(dir: string, loaded: Iterable<string>, seconds: number, workers: RuntimeWorkers, onModel: (model: ScoringModel) => void | Promise<void>): () => void {
  const seen = new Set(loaded);
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      const { openModel } = await import('../runtimes/open-model.js');
      for (const versionDir of findVersionDirs(dir)) {
        if (seen.has(versionDir)) continue;
        await onModel(await openModel(versionDir, workers));
        seen.add(versionDir);
      }
    } catch {
      // A folder removed or unreadable right now is tried again on the next poll.
    } finally {
      busy = false;
    }
  }, seconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
