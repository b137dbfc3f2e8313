import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import type { Tf } from './backend.js';
import type { FitOptions, TrainingArrays } from './fit-tfjs.js';
import { seededRandom, shuffleInPlace } from './random.js';

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;
// Batches between yields to the event loop, so progress output and interrupts get through.
const YIELD_EVERY = 64;

/** Adam's state for one parameter array. */
interface Parameter {
  values: Float32Array;
  shape: number[];
  m: Float32Array;
  v: Float32Array;
  tensor?: Tensor;
  /** The transpose of a weight matrix, uploaded beside it for the backward pass. */
  transposed?: Tensor;
}

/** A row-major rows x cols matrix transposed (cols x rows). */
function transpose(values: Float32Array, rows: number, cols: number, out = new Float32Array(values.length)): Float32Array {
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = values[i * cols + j];
  return out;
}

function adamStep(p: Parameter, gradient: Float32Array, scale: number, rate: number): void {
  const { values, m, v } = p;
  for (let i = 0; i < values.length; i++) {
    const g = gradient[i] * scale;
    m[i] = BETA1 * m[i] + (1 - BETA1) * g;
    v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
    values[i] -= (rate * m[i]) / (Math.sqrt(v[i]) + EPSILON);
  }
}

/** Summed loss of a batch's outputs p (rows x units) against targets y, for the task's loss. */
function batchLoss(task: FitOptions['task'], p: Float32Array, y: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    if (task === 'regression') sum += (p[i] - y[i]) ** 2;
    else if (task === 'binary') sum -= y[i] * Math.log(Math.max(p[i], 1e-7)) + (1 - y[i]) * Math.log(Math.max(1 - p[i], 1e-7));
    else if (y[i] === 1) sum -= Math.log(Math.max(p[i], 1e-7));
  }
  return sum;
}

/**
 * Trains a built-in dense network (relu hidden layers, then a linear, sigmoid or softmax output) with Adam,
 * backpropagating by hand: a handful of forward kernels per batch and the optimiser in JS, instead of tfjs's
 * autograd (which needs gradient kernels the wasm backend lacks, tfjs#8474) and per-variable optimiser ops.
 * The weights start from, and end in, `model`.
 */
export async function fitDense(tf: Tf, model: LayersModel, data: TrainingArrays, options: FitOptions): Promise<void> {
  const { n, d } = data;
  const units = options.units;
  const params: Parameter[] = model.getWeights().map((w) => ({
    values: Float32Array.from(w.dataSync() as Float32Array),
    shape: w.shape,
    m: new Float32Array(w.size),
    v: new Float32Array(w.size),
  }));
  const layers = params.length / 2;
  const outputActivation = options.task === 'regression' ? 'linear' : options.task === 'binary' ? 'sigmoid' : 'softmax';
  // Targets as rows of `units` values: one-hot for multiclass.
  const targets = new Float32Array(n * units);
  for (let i = 0; i < n; i++) {
    if (options.task === 'multiclass') targets[i * units + data.y[i]] = 1;
    else targets[i] = data.y[i];
  }
  const random = seededRandom(options.seed);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const xs = new Float32Array(n * d);
  const ys = new Float32Array(n * units);
  let step = 0;
  // tfjs-backend-wasm multiplies transposed operands 5-10x slower than plain ones, so every matrix the
  // backward pass needs transposed is uploaded transposed (weights here, the input batch below).
  const upload = () => {
    for (const p of params) {
      p.tensor?.dispose();
      p.transposed?.dispose();
      // A copy: the cpu backend keeps the array it is given, and Adam updates p.values in place.
      p.tensor = tf.tensor(p.values.slice(), p.shape);
      if (p.shape.length === 2) p.transposed = tf.tensor2d(transpose(p.values, p.shape[0], p.shape[1]), [p.shape[1], p.shape[0]]);
    }
  };
  const xT = new Float32Array(options.batchSize * d);
  let ones: Tensor | undefined;
  upload();
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      shuffleInPlace(order, random);
      for (let i = 0; i < n; i++) {
        xs.set(data.x.subarray(order[i] * d, order[i] * d + d), i * d);
        ys.set(targets.subarray(order[i] * units, order[i] * units + units), i * units);
      }
      let lossSum = 0;
      for (let start = 0, batch = 0; start < n; start += options.batchSize, batch++) {
        const rows = Math.min(options.batchSize, n - start);
        const xBatch = xs.subarray(start * d, (start + rows) * d);
        if (ones?.shape[1] !== rows) {
          ones?.dispose();
          ones = tf.ones([1, rows]);
        }
        const yBatch = ys.subarray(start * units, (start + rows) * units);
        const gradients: Float32Array[] = new Array(params.length);
        // The gradients leave the tidy through the closure: a returned value would be walked element by element.
        tf.tidy(() => {
          const activations: Tensor[] = [tf.tensor2d(xBatch, [rows, d])];
          for (let l = 0; l < layers; l++) {
            const last = l === layers - 1;
            activations.push(
              tf.fused.matMul({ a: activations[l] as never, b: params[2 * l].tensor as never, bias: params[2 * l + 1].tensor, activation: last ? 'linear' : 'relu' }),
            );
          }
          const logits = activations[layers];
          const p = outputActivation === 'sigmoid' ? tf.sigmoid(logits) : outputActivation === 'softmax' ? tf.softmax(logits) : logits;
          // For MSE, sigmoid+cross-entropy and softmax+cross-entropy alike, d(loss)/d(logits) is (p - y) up to a scale.
          let delta = tf.sub(p, tf.tensor2d(yBatch, [rows, units]));
          for (let l = layers - 1; l >= 0; l--) {
            const inputT = l === 0 ? tf.tensor2d(transpose(xBatch, rows, d, xT.subarray(0, rows * d)), [d, rows]) : tf.transpose(activations[l]);
            gradients[2 * l] = tf.matMul(inputT, delta).dataSync() as Float32Array;
            // A ones row times delta sums it over the batch, faster on wasm than tf.sum over axis 0.
            gradients[2 * l + 1] = tf.matMul(ones!, delta).dataSync() as Float32Array;
            if (l > 0) delta = tf.mul(tf.matMul(delta, params[2 * l].transposed!), tf.step(activations[l]));
          }
          lossSum += batchLoss(options.task, p.dataSync() as Float32Array, yBatch);
        });
        step++;
        const rate = (options.learningRate * Math.sqrt(1 - BETA2 ** step)) / (1 - BETA1 ** step);
        const scale = (options.task === 'regression' ? 2 : 1) / rows;
        params.forEach((p, i) => adamStep(p, gradients[i], scale, rate));
        upload();
        options.onBatch?.(epoch, batch + 1);
        if (batch % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
      }
      model.setWeights(params.map((p) => p.tensor!));
      await options.onEpoch?.(epoch, lossSum / n);
    }
  } finally {
    tf.dispose([...params.flatMap((p) => [p.tensor, p.transposed]), ones].filter((t): t is Tensor => t !== undefined));
  }
}
