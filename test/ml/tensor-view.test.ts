import { expect, it } from 'vitest';
import { tensorflow } from '../../src/ml/backend.js';
import { float32View } from '../../src/ml/tensor-view.js';

it('reads a float32 tensor as dataSync() does, as a view of the wasm heap where it can', async () => {
  const tf = await tensorflow();
  expect(tf.getBackend()).toBe('wasm');
  const product = tf.matMul(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]), tf.tensor2d([1, 0, 0, 1, 1, 1], [3, 2]));
  const view = float32View(tf, product);
  expect(Array.from(view)).toEqual(Array.from(product.dataSync()));
  // A view shares the tensor's memory: no copy was made.
  expect(view.buffer).not.toBe(product.dataSync().buffer);
  expect(view.byteLength).toBe(16);
  expect(view.buffer.byteLength).toBeGreaterThan(1 << 16);
  product.dispose();
});
