import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import type { Tf } from './backend.js';
import { float32View } from './tensor-view.js';

// Rows per predict call. One batch per call, as tfjs-layers' default batch of 32 makes the wasm backend copy
// the whole input once per batch; and bounded, as one call over every row grows the wasm heap by all the
// activations at once (50k rows: 200 ms against 80 ms in chunks, fresh pages being slow to fault in).
const CHUNK_ROWS = 16_384;

/** Raw outputs (n x units, row-major) of `model` for n rows of `width` prepared features. */
export function predictInChunks(tf: Tf, model: LayersModel, x: Float32Array, n: number, width: number, units: number): Float32Array {
  const raw = new Float32Array(n * units);
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    const end = Math.min(n, start + CHUNK_ROWS);
    tf.tidy(() => {
      const output = model.predict(tf.tensor2d(x.subarray(start * width, end * width), [end - start, width]), { batchSize: end - start }) as Tensor;
      raw.set(float32View(tf, output), start * units);
    });
  }
  return raw;
}
