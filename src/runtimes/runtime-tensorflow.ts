import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DataKernelError } from '../errors.js';
import type { Tf } from '../ml/backend.js';
import { BACKEND_PACKAGES, type RuntimeBackend } from './spec.js';

/**
 * TensorFlow.js as installed in a runtime folder: its tfjs-core and tfjs-layers (one namespace, as
 * @tensorflow/tfjs exports them) with `backend` registered and set. Packages the runtime lists are imported
 * first, so those that register custom layers or ops do so on this tfjs.
 */
export async function runtimeTensorflow(dir: string, backend: RuntimeBackend, packages: readonly string[]): Promise<Tf> {
  const require = createRequire(join(dir, 'package.json'));
  const core = require('@tensorflow/tfjs-core') as Record<string, unknown> & { setBackend(name: string): Promise<boolean> };
  const layers = require('@tensorflow/tfjs-layers') as Record<string, unknown>;
  const backendModule = require(BACKEND_PACKAGES[backend]) as { setWasmPaths?: (prefix: string) => void };
  if (backend === 'wasm') backendModule.setWasmPaths!(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
  if (!(await core.setBackend(backend))) {
    throw new DataKernelError(`The ${backend} backend of the runtime in ${dir} does not start on this machine`, 'Record another backend for the model, e.g. --runtime tfjs@VERSION,backend=cpu.');
  }
  const { resolve } = await import('import-meta-resolve');
  for (const name of packages) await import(resolve(name, pathToFileURL(join(dir, 'package.json')).href));
  return { ...core, ...layers } as unknown as Tf;
}
