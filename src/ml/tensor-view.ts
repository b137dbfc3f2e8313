import type { Tensor } from '@tensorflow/tfjs';
import type { Tf } from './backend.js';

/** What the wasm backend keeps per tensor, and its heap: internals, so every field is checked before use. */
interface WasmBackendInternals {
  dataIdMap?: { get(dataId: object): { memoryOffset?: number | null; dtype?: string } | undefined };
  wasm?: { HEAPU8?: Uint8Array };
}

/**
 * The values of a float32 tensor without copying them: on the wasm backend a view into its heap, elsewhere
 * dataSync(). tfjs-backend-wasm's dataSync slices a fresh buffer on every call, which costs a training step more
 * than the matrix product that made the values. The view is valid only until the next tfjs call (one that
 * allocates may grow the heap and detach it) or the tensor's disposal: read it at once.
 */
export function float32View(tf: Tf, tensor: Tensor): Float32Array {
  if (tf.getBackend() === 'wasm') {
    const backend = tf.backend() as unknown as WasmBackendInternals;
    const entry = backend.dataIdMap?.get(tensor.dataId as object);
    const heap = backend.wasm?.HEAPU8;
    if (heap && typeof entry?.memoryOffset === 'number' && entry.dtype === 'float32') return new Float32Array(heap.buffer, entry.memoryOffset, tensor.size);
  }
  return tensor.dataSync() as Float32Array;
}
