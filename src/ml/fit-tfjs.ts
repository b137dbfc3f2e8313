import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import type { Tf } from './backend.js';
import { seededRandom, shuffleInPlace } from './random.js';
import type { Task } from './target.js';

/** A prepared training set: row-major features (n x d) and encoded targets (see encodeTarget). */
export interface TrainingArrays {
  x: Float32Array;
  y: Float32Array;
  n: number;
  d: number;
}

export interface FitOptions {
  task: Task;
  /** Output units: classes for multiclass, else 1. */
  units: number;
  epochs: number;
  batchSize: number;
  seed: number;
  learningRate: number;
  /** Called after each batch with the epoch (from 1) and the batches done in it. */
  onBatch?: (epoch: number, batch: number) => void;
  /** Called after each epoch with its mean training loss; awaited, so it may score the validation split. */
  onEpoch?: (epoch: number, loss: number) => Promise<void> | void;
}

const LOSSES = { regression: 'meanSquaredError', binary: 'binaryCrossentropy', multiclass: 'categoricalCrossentropy' } as const;

// Target tensor for a task: values or 0/1 as a column, one-hot rows for multiclass.
function targetTensor(tf: Tf, task: Task, y: Float32Array, units: number): Tensor {
  if (task !== 'multiclass') return tf.tensor2d(y, [y.length, 1]);
  return tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(y), 'int32'), units).toFloat());
}

/** Trains a layers model with Adam on mini-batches in a seeded order (the same seed gives the same model). */
export async function fitTfjs(tf: Tf, model: LayersModel, data: TrainingArrays, options: FitOptions): Promise<void> {
  model.compile({ optimizer: tf.train.adam(options.learningRate), loss: LOSSES[options.task] });
  const random = seededRandom(options.seed);
  const x = tf.tensor2d(data.x, [data.n, data.d]);
  const y = targetTensor(tf, options.task, data.y, options.units);
  const order = Int32Array.from({ length: data.n }, (_, i) => i);
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      // tfjs's own shuffle draws from Math.random; shuffling here keeps training reproducible.
      const indices = tf.tensor1d(shuffleInPlace(order, random), 'int32');
      const xs = tf.gather(x, indices);
      const ys = tf.gather(y, indices);
      try {
        const history = await model.fit(xs, ys, {
          batchSize: options.batchSize,
          epochs: 1,
          shuffle: false,
          verbose: 0,
          callbacks: options.onBatch ? { onBatchEnd: async (batch) => options.onBatch!(epoch, batch + 1) } : undefined,
        });
        await options.onEpoch?.(epoch, Number(history.history.loss[0]));
      } finally {
        tf.dispose([indices, xs, ys]);
      }
    }
  } finally {
    tf.dispose([x, y]);
  }
}
