import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import type { Tf } from './backend.js';
import type { FitOptions, TrainingArrays } from './fit-tfjs.js';
import { seededRandom, shuffleInPlace } from './random.js';
import { float32View } from './tensor-view.js';

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

type Gradient = Float32Array | Float64Array;

/**
 * The output layer, forward and backward, in plain JS: it is narrow (1 unit, or one per class), so its few
 * multiply-adds cost less than the per-kernel overhead of running them as tfjs ops. Its buffers are allocated
 * once per training, not once per batch, and its loops have no data-dependent branches: half the inputs are
 * relu zeros in no pattern, and mispredicted skips cost more than the multiplications they avoid.
 */
class OutputLayer {
  private readonly delta: Float64Array;
  /** Gradients of the last pass. */
  readonly dW: Float64Array;
  readonly db: Float64Array;
  /** d(loss)/d(input), masked by the relu of the layer below; empty for a network without hidden layers. */
  readonly dInput: Float32Array;
  /** Column sums of dInput: the bias gradient of the layer below. */
  readonly dInputBias: Float64Array;

  constructor(
    private readonly task: FitOptions['task'],
    private readonly width: number,
    private readonly units: number,
    batchSize: number,
    private readonly relu: boolean,
  ) {
    this.delta = new Float64Array(batchSize * units);
    this.dW = new Float64Array(width * units);
    this.db = new Float64Array(units);
    this.dInput = new Float32Array(relu ? batchSize * width : 0);
    this.dInputBias = new Float64Array(relu ? width : 0);
  }

  /** Forward and backward over `rows` rows of `input`; returns the summed loss and leaves the gradients. */
  pass(input: Float32Array, rows: number, w: Float32Array, b: Float32Array, y: Float32Array): number {
    const { task, width, units, delta } = this;
    logits(input, rows, width, w, b, delta);
    let loss = 0;
    for (let i = 0; i < rows; i++) {
      const row = i * units;
      if (task === 'multiclass') {
        let max = -Infinity;
        for (let k = 0; k < units; k++) max = Math.max(max, delta[row + k]);
        let sum = 0;
        for (let k = 0; k < units; k++) sum += delta[row + k] = Math.exp(delta[row + k] - max);
        for (let k = 0; k < units; k++) {
          const p = delta[row + k] / sum;
          if (y[row + k] === 1) loss -= Math.log(Math.max(p, 1e-7));
          delta[row + k] = p - y[row + k];
        }
      } else if (task === 'binary') {
        const p = 1 / (1 + Math.exp(-delta[row]));
        loss -= y[row] * Math.log(Math.max(p, 1e-7)) + (1 - y[row]) * Math.log(Math.max(1 - p, 1e-7));
        delta[row] = p - y[row];
      } else {
        delta[row] -= y[row];
        loss += delta[row] ** 2;
      }
    }
    // For MSE, sigmoid+cross-entropy and softmax+cross-entropy alike, d(loss)/d(logits) is (p - y) up to a scale.
    this.dW.fill(0);
    this.db.fill(0);
    this.dInputBias.fill(0);
    for (let i = 0; i < rows; i++) for (let k = 0; k < units; k++) this.db[k] += delta[i * units + k];
    const dInput = this.relu ? this.dInput : undefined;
    if (units === 1) backwardSingle(input, rows, width, w, delta, this.dW, dInput, this.dInputBias);
    else backwardMulti(input, rows, width, units, w, delta, this.dW, dInput, this.dInputBias);
    return loss;
  }
}

/** input (rows x width) times w (width x units) plus b, into out (rows x units). */
function logits(input: Float32Array, rows: number, width: number, w: Float32Array, b: Float32Array, out: Float64Array): void {
  const units = b.length;
  if (units === 1) {
    for (let i = 0, at = 0; i < rows; i++, at += width) {
      let z = b[0];
      for (let j = 0; j < width; j++) z += input[at + j] * w[j];
      out[i] = z;
    }
    return;
  }
  for (let i = 0; i < rows; i++) {
    const row = i * units;
    for (let k = 0; k < units; k++) out[row + k] = b[k];
    for (let j = 0; j < width; j++) {
      const a = input[i * width + j];
      for (let k = 0; k < units; k++) out[row + k] += a * w[j * units + k];
    }
  }
}

// The two backward passes below accumulate dW += inputᵀ·delta and, when the input came through a relu,
// dInput = (delta·wᵀ) masked to positive inputs, with its column sums.

function backwardSingle(input: Float32Array, rows: number, width: number, w: Float32Array, delta: Float64Array, dW: Float64Array, dInput: Float32Array | undefined, dInputBias: Float64Array): void {
  for (let i = 0, at = 0; i < rows; i++, at += width) {
    const g = delta[i];
    if (!dInput) {
      for (let j = 0; j < width; j++) dW[j] += input[at + j] * g;
      continue;
    }
    for (let j = 0; j < width; j++) {
      const a = input[at + j];
      dW[j] += a * g;
      // Below a relu, a zero input passes no gradient. `+(a > 0)` compiles without a branch; a ternary does
      // not, and relu zeros come in no pattern a branch predictor could learn (measured 2.8x slower).
      const back = g * w[j] * +(a > 0);
      dInput[at + j] = back;
      dInputBias[j] += back;
    }
  }
}

function backwardMulti(input: Float32Array, rows: number, width: number, units: number, w: Float32Array, delta: Float64Array, dW: Float64Array, dInput: Float32Array | undefined, dInputBias: Float64Array): void {
  for (let i = 0; i < rows; i++) {
    const row = i * units;
    for (let j = 0; j < width; j++) {
      const a = input[i * width + j];
      const wRow = j * units;
      let back = 0;
      for (let k = 0; k < units; k++) {
        const g = delta[row + k];
        dW[wRow + k] += a * g;
        back += g * w[wRow + k];
      }
      if (dInput) {
        back *= +(a > 0);
        dInput[i * width + j] = back;
        dInputBias[j] += back;
      }
    }
  }
}

/** A row-major rows x cols matrix transposed (cols x rows). */
function transpose(values: Float32Array, rows: number, cols: number, out = new Float32Array(values.length)): Float32Array {
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = values[i * cols + j];
  return out;
}

function adamStep(p: Parameter, gradient: Gradient, scale: number, rate: number): void {
  const { values, m, v } = p;
  for (let i = 0; i < values.length; i++) {
    const g = gradient[i] * scale;
    m[i] = BETA1 * m[i] + (1 - BETA1) * g;
    v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
    values[i] -= (rate * m[i]) / (Math.sqrt(v[i]) + EPSILON);
  }
}

/**
 * Trains a built-in dense network (relu hidden layers, then a linear, sigmoid or softmax output) with Adam,
 * backpropagating by hand: the wide hidden layers run as a few tfjs kernels per batch, the narrow output layer
 * and the optimiser in JS. tfjs's autograd is not used, so no gradient kernels are needed (the wasm backend
 * lacks some, tfjs#8474), and per-op overhead, which dominates small batches, stays low.
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
  const hidden = params.length / 2 - 1;
  const out = { w: params[2 * hidden], b: params[2 * hidden + 1] };
  const width = hidden > 0 ? out.w.shape[0] : d;
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
    for (let l = 0; l < hidden; l++) {
      for (const p of [params[2 * l], params[2 * l + 1]]) {
        tf.dispose([p.tensor, p.transposed].filter((t): t is Tensor => t !== undefined));
        // A copy: the cpu backend keeps the array it is given, and Adam updates p.values in place.
        p.tensor = tf.tensor(p.values.slice(), p.shape);
        if (p.shape.length === 2 && l > 0) p.transposed = tf.tensor2d(transpose(p.values, p.shape[0], p.shape[1]), [p.shape[1], p.shape[0]]);
      }
    }
  };
  const xT = new Float32Array(options.batchSize * d);
  const output = new OutputLayer(options.task, width, units, options.batchSize, hidden > 0);
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
        const yBatch = ys.subarray(start * units, (start + rows) * units);
        if (hidden > 1 && ones?.shape[1] !== rows) {
          ones?.dispose();
          ones = tf.ones([1, rows]);
        }
        const gradients: Gradient[] = new Array(params.length);
        // Gradients leave the tidy through the closure: a returned value would be walked element by element.
        tf.tidy(() => {
          const activations: Tensor[] = [];
          let input: Float32Array = xBatch;
          if (hidden > 0) {
            activations.push(tf.tensor2d(xBatch, [rows, d]));
            for (let l = 0; l < hidden; l++) {
              activations.push(tf.fused.matMul({ a: activations[l] as never, b: params[2 * l].tensor as never, bias: params[2 * l + 1].tensor, activation: 'relu' }));
            }
            input = float32View(tf, activations[hidden]);
          }
          lossSum += output.pass(input, rows, out.w.values, out.b.values, yBatch);
          gradients[2 * hidden] = output.dW;
          gradients[2 * hidden + 1] = output.db;
          if (hidden === 0) return;
          let delta = tf.tensor2d(output.dInput.subarray(0, rows * width), [rows, width]);
          for (let l = hidden - 1; l >= 0; l--) {
            const inputT = l === 0 ? tf.tensor2d(transpose(xBatch, rows, d, xT.subarray(0, rows * d)), [d, rows]) : tf.transpose(activations[l]);
            gradients[2 * l] = float32View(tf, tf.matMul(inputT, delta)).slice();
            // The bias gradient sums delta over the batch: in JS where delta came from JS, else as a ones row
            // times delta (faster on wasm than tf.sum over axis 0).
            gradients[2 * l + 1] = l === hidden - 1 ? output.dInputBias : float32View(tf, tf.matMul(ones!, delta)).slice();
            if (l > 0) delta = tf.mul(tf.matMul(delta, params[2 * l].transposed!), tf.step(activations[l]));
          }
        });
        step++;
        const rate = (options.learningRate * Math.sqrt(1 - BETA2 ** step)) / (1 - BETA1 ** step);
        const scale = (options.task === 'regression' ? 2 : 1) / rows;
        params.forEach((p, i) => adamStep(p, gradients[i], scale, rate));
        upload();
        options.onBatch?.(epoch, batch + 1);
        if (batch % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
      }
      const outputWeights = [out.w, out.b].map((p) => tf.tensor(p.values.slice(), p.shape));
      model.setWeights([...params.slice(0, 2 * hidden).map((p) => p.tensor!), ...outputWeights]);
      tf.dispose(outputWeights);
      await options.onEpoch?.(epoch, lossSum / n);
    }
  } finally {
    tf.dispose([...params.flatMap((p) => [p.tensor, p.transposed]), ones].filter((t): t is Tensor => t !== undefined));
  }
}
