// Distribution tests and distances for drift, written to agree with scipy.stats / scipy.spatial.distance
// (test/drift checks them against scipy's numbers on fixed data).

/** The sum of the numbers. */
export const sumOf = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const EPSILON = 1e-15;
const MAX_ITERATIONS = 10_000;

/** The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a). */
export function upperGammaRegularized(a: number, x: number): number {
  if (x <= 0) return 1;
  const logPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    // Series for the lower function P(a, x), converging fast here.
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < MAX_ITERATIONS && Math.abs(term) > Math.abs(sum) * EPSILON; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return Math.max(0, 1 - sum * Math.exp(logPrefix));
  }
  // Continued fraction for Q(a, x) (modified Lentz).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return Math.exp(logPrefix) * h;
}

/** P(X >= x) for X ~ chi-square with `df` degrees of freedom (scipy.stats.chi2.sf). */
export const chiSquareSurvival = (x: number, df: number): number => upperGammaRegularized(df / 2, x / 2);

/**
 * Chi-square test of homogeneity on a 2 x k table of counts, without Yates' correction
 * (scipy.stats.chi2_contingency(table, correction=False)). Categories empty in both samples are ignored.
 */
export function chiSquareTest(reference: readonly number[], current: readonly number[]): { statistic: number; pValue: number; df: number } {
  const keep = reference.map((r, i) => r + current[i] > 0);
  const ref = reference.filter((_, i) => keep[i]);
  const cur = current.filter((_, i) => keep[i]);
  const nr = sumOf(ref);
  const nc = sumOf(cur);
  const total = nr + nc;
  let statistic = 0;
  ref.forEach((r, i) => {
    const column = r + cur[i];
    const er = (nr * column) / total;
    const ec = (nc * column) / total;
    statistic += (r - er) ** 2 / er + (cur[i] - ec) ** 2 / ec;
  });
  const df = ref.length - 1;
  return { statistic, df, pValue: df > 0 ? chiSquareSurvival(statistic, df) : 1 };
}

/**
 * Two-proportion z-test (pooled), two-sided, for binary columns: the share of `first` category in each
 * sample (statsmodels' proportions_ztest, which Evidently uses).
 */
export function proportionZTest(refHits: number, refTotal: number, curHits: number, curTotal: number): { statistic: number; pValue: number } {
  const pooled = (refHits + curHits) / (refTotal + curTotal);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / refTotal + 1 / curTotal));
  if (se === 0) return { statistic: 0, pValue: 1 };
  const statistic = (refHits / refTotal - curHits / curTotal) / se;
  // A standard normal's two-sided tail is the chi-square(1) tail of z².
  return { statistic, pValue: chiSquareSurvival(statistic * statistic, 1) };
}

/**
 * Two-sided p-value of the two-sample Kolmogorov–Smirnov statistic D = h / (m n), exactly, as the share of
 * monotone lattice paths from (0,0) to (m,n) that touch |i n - j m| >= h (scipy's method="exact"). The
 * share is carried per point, b(i,j) = b(i-1,j) i/(i+j) + b(i,j-1) j/(i+j), so nothing overflows and tiny
 * p-values keep their relative precision.
 */
export function ksExactPValue(m: number, n: number, h: number): number {
  if (h <= 0) return 1;
  const b = new Float64Array(n + 1);
  for (let j = 0; j <= n; j++) b[j] = j * m >= h ? 1 : j > 0 ? b[j - 1] : 0;
  for (let i = 1; i <= m; i++) {
    b[0] = i * n >= h ? 1 : b[0];
    for (let j = 1; j <= n; j++) b[j] = Math.abs(i * n - j * m) >= h ? 1 : (b[j] * i + b[j - 1] * j) / (i + j);
  }
  return Math.min(1, b[n]);
}

/**
 * Asymptotic two-sided KS p-value (Kolmogorov distribution with Stephens' small-sample correction), for
 * samples too large to count paths; scipy uses the exact one-sample distribution here, so the third
 * significant digit may differ.
 */
export function ksAsymptoticPValue(m: number, n: number, d: number): number {
  const en = Math.sqrt((m * n) / (m + n));
  const lambda = (en + 0.12 + 0.11 / en) * d;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = 2 * (k % 2 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-16) break;
  }
  return Math.min(1, Math.max(0, sum));
}

/** Largest sample size the exact KS p-value is computed for (scipy's MAX_AUTO_N). */
export const KS_EXACT_MAX_N = 10_000;

/** Two-sided two-sample KS p-value for D = h / (m n): exact up to KS_EXACT_MAX_N rows, asymptotic beyond. */
export const ksPValue = (m: number, n: number, h: number): number =>
  Math.max(m, n) <= KS_EXACT_MAX_N ? ksExactPValue(m, n, h) : ksAsymptoticPValue(m, n, h / (m * n));

const normalise = (p: readonly number[]) => {
  const total = sumOf(p);
  return p.map((v) => v / total);
};

const relativeEntropy = (x: number, y: number) => (x > 0 ? x * Math.log(x / y) : 0);

/** Jensen–Shannon distance (natural log), scipy.spatial.distance.jensenshannon. */
export function jensenShannonDistance(p: readonly number[], q: readonly number[]): number {
  const a = normalise(p);
  const b = normalise(q);
  let js = 0;
  a.forEach((x, i) => {
    const mid = (x + b[i]) / 2;
    js += (relativeEntropy(x, mid) + relativeEntropy(b[i], mid)) / 2;
  });
  return Math.sqrt(Math.max(0, js));
}

/** Population Stability Index of two share vectors (shares already free of zeros). */
export function populationStabilityIndex(reference: readonly number[], current: readonly number[]): number {
  return reference.reduce((sum, r, i) => sum + (r - current[i]) * Math.log(r / current[i]), 0);
}

/**
 * Shares of each bin with empty bins lifted to a small value so PSI stays finite (Evidently's rule:
 * 0.0001, or a millionth of the smallest share when shares are that small).
 */
export function sharesWithoutZeros(counts: readonly number[], total: number): number[] {
  const shares = counts.map((c) => c / total);
  const smallest = Math.min(...shares.filter((s) => s > 0));
  const fill = smallest <= 0.0001 ? smallest / 1e6 : 0.0001;
  return shares.map((s) => (s === 0 ? fill : s));
}
