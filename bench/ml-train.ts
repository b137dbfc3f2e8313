// Trains the same MLP (20 -> 100 relu -> 2, Adam lr 0.001, batch 200) on the same 50k x 20 synthetic data with
// datakernel's train() and with scikit-learn's MLPClassifier (Debian python3-sklearn), in one run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensorflow } from '../src/ml/backend.js';
import { train } from '../src/ml/train.js';
import { seededRandom } from '../src/ml/random.js';
import { Session } from '../src/session/session.js';
import { embeddedDuckDB } from '../src/sql/duckdb.js';
import { quoteLiteral } from '../src/sql/identifiers.js';

const quick = process.env.BENCH_QUICK === '1';
const ROWS = quick ? 10_000 : 50_000;
const FEATURES = 20;
const EPOCHS = quick ? 3 : 10;
// Rounds, alternating the two, so that load on a shared machine hits both alike; medians are reported.
const ROUNDS = quick ? 1 : 3;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'dk-bench-ml-'));
const csv = join(dir, 'data.csv');
const random = seededRandom(1);
const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const header = [...Array.from({ length: FEATURES }, (_, j) => `f${j}`), 'label'].join(',');
const lines = [header];
for (let i = 0; i < ROWS; i++) {
  const x = Array.from({ length: FEATURES }, normal);
  const label = x[0] + x[1] * x[2] - 0.5 * x[3] ** 2 + 0.3 * normal() > 0 ? 1 : 0;
  lines.push([...x.map((v) => v.toFixed(5)), label].join(','));
}
writeFileSync(csv, lines.join('\n'));

const python = `
import time, warnings, numpy as np
from sklearn.neural_network import MLPClassifier
warnings.filterwarnings('ignore')
data = np.loadtxt(${JSON.stringify(csv)}, delimiter=',', skiprows=1, dtype=np.float32)
X, y = data[:, :-1], data[:, -1].astype(int)
X = (X - X.mean(0)) / X.std(0)
start, cpu = time.perf_counter(), time.process_time()
m = MLPClassifier(hidden_layer_sizes=(100,), solver='adam', learning_rate_init=0.001, batch_size=200, max_iter=${EPOCHS},
                  alpha=0.0, tol=0.0, n_iter_no_change=10**6, random_state=0)
m.fit(X, y)
print(time.perf_counter() - start, time.process_time() - cpu, m.score(X, y))
`;
const sklearnRun = () => execFileSync('/usr/bin/python3', ['-c', python], { encoding: 'utf8' }).trim().split(' ').map(Number);

const session = new Session(dir);
const { connection } = await embeddedDuckDB(session);
await connection.run(`CREATE TABLE bench_ml_train AS SELECT * FROM read_csv_auto(${quoteLiteral(csv)})`);
// Loading TensorFlow.js happens once per kernel, as importing sklearn does once per Python process: neither is timed.
await tensorflow();
const ours = async () => {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = await train({ session, name: 'bench', data: 'bench_ml_train', target: 'label', model: 'mlp', hidden: [100], epochs: EPOCHS, batchSize: 200, learningRate: 0.001, validation: 0 });
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - start) / 1000, cpuSeconds: (used.user + used.system) / 1e6, result };
};
const sklearnRuns: number[][] = [];
const ourRuns: Awaited<ReturnType<typeof ours>>[] = [];
for (let round = 0; round < ROUNDS; round++) {
  sklearnRuns.push(sklearnRun());
  ourRuns.push(await ours());
}
const [sklearnSeconds, sklearnCpu] = [0, 1].map((i) => median(sklearnRuns.map((r) => r[i])));
const sklearnAccuracy = sklearnRuns[0][2];
const seconds = median(ourRuns.map((r) => r.seconds));
const cpuSeconds = median(ourRuns.map((r) => r.cpuSeconds));
const { result } = ourRuns[0];
await session.close();

// The machine may be shared, so CPU seconds are printed beside wall seconds; the ratio is of wall time. train()
// is timed whole (reading the table, preparing features, fitting, scoring, saving the model and its run), against
// sklearn's fit() alone on arrays already loaded and standardised.
console.log(`ml-train sklearn MLPClassifier ${ROWS}x${FEATURES} ${EPOCHS} epochs, median of ${ROUNDS}: ${sklearnSeconds.toFixed(2)} s (cpu ${sklearnCpu.toFixed(2)} s; accuracy ${sklearnAccuracy.toFixed(3)})`);
console.log(
  `ml-train datakernel train() mlp (${result.backend}) ${ROWS}x${FEATURES} ${EPOCHS} epochs, median of ${ROUNDS}: ${seconds.toFixed(2)} s ` +
    `(${(seconds / sklearnSeconds).toFixed(2)}x sklearn; cpu ${cpuSeconds.toFixed(2)} s = ${(cpuSeconds / sklearnCpu).toFixed(2)}x; accuracy ${result.metrics.accuracy.toFixed(3)}; target <= 2x)`,
);
