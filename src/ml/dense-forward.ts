import type { LayersModel } from '@tensorflow/tfjs';

type Activation = 'linear' | 'relu' | 'sigmoid' | 'softmax' | 'tanh';
const ACTIVATIONS: readonly string[] = ['linear', 'relu', 'sigmoid', 'softmax', 'tanh'];

/** One dense layer's weights: kernel is inputs x units, row-major (the TF.js layout). */
interface DenseLayer {
  inputs: number;
  units: number;
  kernel: Float64Array;
  bias: Float64Array;
  activation: Activation;
}

/**
 * Evaluates a stack of dense layers on typed arrays, one row at a time through every layer: the weights of the
 * built-in models fit in cache, and it avoids the tfjs per-call overhead that dominates small batches (one
 * row: ~70 µs through tfjs-wasm, ~4 µs here). Sums are in float64, so results agree with tfjs's float32
 * kernels to float32 rounding. Scalar JS loses to wasm's SIMD kernels on large batches, so callers route
 * by `macsPerRow`.
 */
export class DenseForward {
  private readonly layers: DenseLayer[];
  /** Activations of the current row, one buffer per layer output. */
  private readonly buffers: Float64Array[];
  private readonly row: Float64Array;

  constructor(layers: DenseLayer[]) {
    this.layers = layers;
    this.row = new Float64Array(layers[0].inputs);
    this.buffers = layers.map((layer) => new Float64Array(layer.units));
  }

  /** Width of an input row. */
  get inputs(): number {
    return this.layers[0].inputs;
  }

  /** Width of an output row. */
  get units(): number {
    return this.layers[this.layers.length - 1].units;
  }

  /** Multiply-adds per row: a predictor of the pass's cost. */
  get macsPerRow(): number {
    return this.layers.reduce((sum, layer) => sum + layer.inputs * layer.units, 0);
  }

  /** Outputs (n x units, row-major) for `n` rows of `x` (n x inputs, row-major). */
  predict(x: Float32Array, n: number): Float32Array {
    const width = this.inputs;
    const units = this.units;
    const out = new Float32Array(n * units);
    const first = this.row;
    const last = this.buffers[this.buffers.length - 1];
    for (let row = 0; row < n; row++) {
      // Copied to float64 so that applyDense only ever reads one array type (a monomorphic, faster loop).
      for (let k = 0; k < width; k++) first[k] = x[row * width + k];
      let input = first;
      for (let l = 0; l < this.layers.length; l++) {
        applyDense(this.layers[l], input, this.buffers[l]);
        input = this.buffers[l];
      }
      out.set(last, row * units);
    }
    return out;
  }
}

function applyDense(layer: DenseLayer, input: Float64Array, output: Float64Array): void {
  const { inputs, units, kernel, bias } = layer;
  output.set(bias);
  for (let k = 0; k < inputs; k++) {
    const value = input[k];
    // One-hot columns and relu outputs are mostly zero: skipping them saves a whole kernel row each.
    if (value === 0) continue;
    const offset = k * units;
    for (let j = 0; j < units; j++) output[j] += value * kernel[offset + j];
  }
  activate(layer.activation, output);
}

function activate(activation: Activation, v: Float64Array): void {
  const n = v.length;
  switch (activation) {
    case 'linear':
      return;
    case 'relu':
      for (let j = 0; j < n; j++) if (v[j] < 0) v[j] = 0;
      return;
    case 'sigmoid':
      for (let j = 0; j < n; j++) v[j] = 1 / (1 + Math.exp(-v[j]));
      return;
    case 'tanh':
      for (let j = 0; j < n; j++) v[j] = Math.tanh(v[j]);
      return;
    case 'softmax': {
      let max = -Infinity;
      for (let j = 0; j < n; j++) if (v[j] > max) max = v[j];
      let sum = 0;
      for (let j = 0; j < n; j++) sum += v[j] = Math.exp(v[j] - max);
      for (let j = 0; j < n; j++) v[j] /= sum;
      return;
    }
  }
}

/**
 * The typed-array forward pass of `model` when it is a plain stack of dense layers on a flat input (the
 * built-in linear, logistic, softmax and mlp models); undefined for anything else, which stays on tfjs.
 */
export function denseForward(model: LayersModel): DenseForward | undefined {
  if (model.getClassName() !== 'Sequential' || model.inputs.length !== 1 || model.inputs[0].shape.length !== 2) return undefined;
  const layers: DenseLayer[] = [];
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'Dense') return undefined;
    const config = layer.getConfig();
    const activation = String(config.activation ?? 'linear');
    if (!ACTIVATIONS.includes(activation)) return undefined;
    const [kernel, bias] = layer.getWeights();
    if (kernel.shape.length !== 2) return undefined;
    const [inputs, units] = kernel.shape;
    if (layers.length > 0 && layers[layers.length - 1].units !== inputs) return undefined;
    layers.push({
      inputs,
      units,
      kernel: Float64Array.from(kernel.dataSync()),
      bias: config.useBias === false || bias === undefined ? new Float64Array(units) : Float64Array.from(bias.dataSync()),
      activation: activation as Activation,
    });
  }
  return layers.length > 0 ? new DenseForward(layers) : undefined;
}
