import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/** The TensorFlow.js namespace, as imported from @tensorflow/tfjs. */
export type Tf = typeof import('@tensorflow/tfjs');

let ready: Promise<Tf> | undefined;

/**
 * True when the real tfjs-node is installed. An npm override may alias the name to plain tfjs (as this
 * project's package.json does), and importing that would load a second copy of tfjs for nothing.
 */
function hasTfjsNode(): boolean {
  try {
    const manifest = createRequire(import.meta.url).resolve('@tensorflow/tfjs-node/package.json');
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === '@tensorflow/tfjs-node';
  } catch {
    // No readable manifest (not installed, or hidden by package exports): the import below decides.
    return true;
  }
}

async function pickBackend(): Promise<Tf> {
  const tf = await import('@tensorflow/tfjs');
  if (hasTfjsNode()) {
    try {
      // Registers the native 'tensorflow' backend.
      await import('@tensorflow/tfjs-node' as string);
      if (tf.findBackendFactory('tensorflow') && (await tf.setBackend('tensorflow'))) return tf;
    } catch {
      // Installed but its native library does not load on this machine: fall through to wasm.
    }
  }
  try {
    const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
    setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
    if (await tf.setBackend('wasm')) return tf;
  } catch {
    // A platform without WebAssembly SIMD or a missing .wasm file: cpu always works.
  }
  await tf.setBackend('cpu');
  return tf;
}

/** TensorFlow.js with the fastest available backend set: tfjs-node if installed, else wasm, else cpu. */
export function tensorflow(): Promise<Tf> {
  ready ??= pickBackend();
  return ready;
}

/**
 * Makes `tensorflow()` return this namespace instead of the package's own tfjs: a runtime worker scores with the
 * tfjs installed in its runtime folder. Call it before anything loads tfjs.
 */
export function useTensorflow(tf: Promise<Tf>): void {
  ready = tf;
}

/** Name of the backend in use, e.g. "wasm". */
export async function backendName(): Promise<string> {
  return (await tensorflow()).getBackend();
}

/**
 * Runs `fn` and, when the backend lacks a kernel it needs (tfjs-backend-wasm has no gradients for some ops,
 * tfjs issues 8474 and 8082), runs it again on cpu, then restores the preferred backend.
 */
export async function withKernelFallback<T>(fn: (backend: string) => Promise<T>): Promise<T> {
  const tf = await tensorflow();
  const preferred = tf.getBackend();
  try {
    return await fn(preferred);
  } catch (error) {
    if (preferred === 'cpu' || !/kernel .* not registered|not yet implemented|is not registered/i.test(String(error))) throw error;
    await tf.setBackend('cpu');
    try {
      return await fn('cpu');
    } finally {
      await tf.setBackend(preferred);
    }
  }
}
