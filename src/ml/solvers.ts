/** Weights and intercept of a linear model found by a dedicated solver. */
export interface LinearWeights {
  weights: Float64Array;
  bias: number;
}

// A small ridge penalty keeps the normal equations solvable when one-hot columns are collinear.
const RIDGE = 1e-4;

// Solves the symmetric positive definite system a x = b (a is d x d, row-major) by Cholesky; a is overwritten.
function choleskySolve(a: Float64Array, b: Float64Array, d: number): Float64Array {
  for (let j = 0; j < d; j++) {
    let diagonal = a[j * d + j];
    for (let k = 0; k < j; k++) diagonal -= a[j * d + k] ** 2;
    const root = Math.sqrt(Math.max(diagonal, 1e-12));
    a[j * d + j] = root;
    for (let i = j + 1; i < d; i++) {
      let sum = a[i * d + j];
      for (let k = 0; k < j; k++) sum -= a[i * d + k] * a[j * d + k];
      a[i * d + j] = sum / root;
    }
  }
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= a[i * d + k] * y[k];
    y[i] = sum / a[i * d + i];
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let sum = y[i];
    for (let k = i + 1; k < d; k++) sum -= a[k * d + i] * x[k];
    x[i] = sum / a[i * d + i];
  }
  return x;
}

/**
 * Accumulates X'WX and X'Wz over rows with an intercept column appended (size d+1), weights w per row
 * (all 1 when omitted): the one pass over the data both solvers need.
 */
function weightedGram(x: Float32Array, n: number, d: number, z: ArrayLike<number>, w?: Float64Array) {
  const p = d + 1;
  const gram = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  const row = new Float64Array(p);
  row[d] = 1;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = x[i * d + j];
    const weight = w ? w[i] : 1;
    for (let a = 0; a < p; a++) {
      const wa = weight * row[a];
      if (wa === 0) continue;
      rhs[a] += wa * z[i];
      for (let b = 0; b <= a; b++) gram[a * p + b] += wa * row[b];
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) gram[b * p + a] = gram[a * p + b];
  for (let a = 0; a < d; a++) gram[a * p + a] += RIDGE * n;
  return { gram, rhs };
}

/** Least squares with a tiny ridge penalty, by the normal equations (one pass over the data). */
export function fitLinear(x: Float32Array, y: Float32Array, n: number, d: number): LinearWeights {
  const { gram, rhs } = weightedGram(x, n, d, y);
  const solution = choleskySolve(gram, rhs, d + 1);
  return { weights: solution.subarray(0, d), bias: solution[d] };
}

const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));

/**
 * Binary logistic regression by iteratively reweighted least squares (Newton's method): a few passes over the
 * data instead of hundreds of gradient steps. `onIteration` gets the log loss after each step.
 */
export function fitLogistic(x: Float32Array, y: Float32Array, n: number, d: number, maxIterations = 25, onIteration?: (iteration: number, loss: number) => void): LinearWeights {
  let beta: Float64Array = new Float64Array(d + 1);
  const w = new Float64Array(n);
  const z = new Float64Array(n);
  let previous = Infinity;
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let eta = beta[d];
      for (let j = 0; j < d; j++) eta += beta[j] * x[i * d + j];
      const p = Math.min(1 - 1e-9, Math.max(1e-9, sigmoid(eta)));
      w[i] = p * (1 - p);
      z[i] = eta + (y[i] - p) / w[i];
      loss -= y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p);
    }
    loss /= n;
    onIteration?.(iteration, loss);
    if (Math.abs(previous - loss) < 1e-7 * Math.max(1, loss)) break;
    previous = loss;
    const { gram, rhs } = weightedGram(x, n, d, z, w);
    beta = choleskySolve(gram, rhs, d + 1);
  }
  return { weights: beta.subarray(0, d), bias: beta[d] };
}
