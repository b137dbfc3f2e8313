import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/** The TensorFlow.js namespace, as imported from @tensorflow/tfjs. */
export type Tf = typeof import('@tensorflow/tfjs');

let ready: Promise<Tf> | undefined;

async function pickBackend(): Promise<Tf> {
  const tf = await import('@tensorflow/tfjs');
  try {
    // Registers the native 'tensorflow' backend when the user has installed tfjs-node; an npm override may alias
    // the package to plain tfjs, so the check is whether the backend got registered, not whether the import worked.
    await import('@tensorflow/tfjs-node' as string);
    if (tf.findBackendFactory('tensorflow') && (await tf.setBackend('tensorflow'))) return tf;
  } catch {
    // Not installed: fall through to wasm.
  }
  try {
    const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
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
