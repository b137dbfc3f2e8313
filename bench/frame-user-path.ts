// What a user waits for with a Frame: a cell whose last expression is `f.filter(...)` (then `.assign(...)`,
// then a group-by) executed by the engine in-process and its first 20 rows formatted for display, against
// pandas doing the same step and printing `.head(20)` (Debian's python3-pandas, in-process too), on the same
// generated 1M rows in one run. "shown": the frame stays lazy and the display reads 20 rows and the count in one
// query; "collected": `await f....collect()`, the full result made into a DuckDB table, then shown (pandas
// always makes its full result). Targets: shown <= 1x pandas for every verb; collected <= 1.5x.
// BENCH_QUICK=1: 200k rows.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const QUICK = process.env.BENCH_QUICK === '1';
const ROWS = QUICK ? 200_000 : 1_000_000;
const RUNS = QUICK ? 5 : 15;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const verbs = {
  filter: { frame: "f.filter('x > 0.5')", pandas: 'df[df.x > 0.5]' },
  'filter+add-column': { frame: "f.filter('x > 0.5').assign({ z: 'x * 2 + y' })", pandas: '(lambda k: k.assign(z=k.x * 2 + k.y))(df[df.x > 0.5])' },
  'filter+add-column+groupBy-mean': {
    frame: "f.filter('x > 0.5').assign({ z: 'x * 2 + y' }).groupBy('g').agg({ z: 'mean' })",
    pandas: "(lambda k: k.assign(z=k.x * 2 + k.y))(df[df.x > 0.5]).groupby('g', as_index=False)['z'].mean()",
  },
  'add-column': { frame: "f.assign({ z: 'x * 2 + y' })", pandas: 'df.assign(z=df.x * 2 + df.y)' },
  'groupBy-mean': { frame: "f.groupBy('g').agg({ x: 'mean' })", pandas: "df.groupby('g', as_index=False)['x'].mean()" },
} as const;
type Verb = keyof typeof verbs;

// From dist, as the kernel runs it: a cell's `import 'datakernel/frame'` resolves there and must share its session.
const dist = (path: string) => import(new URL(`../dist/src/${path}`, import.meta.url).href);
const { Engine } = (await dist('engine/engine.js')) as typeof import('../src/engine/engine.js');
const { Session } = (await dist('session/session.js')) as typeof import('../src/session/session.js');

// The same data everywhere: g = i % 100, x = (i * 7919 % 10007) / 10007, y = i % 13.
const engine = new Engine({ session: new Session(mkdtempSync(join(tmpdir(), 'dk-bench-frame-path-'))) });
let count = 0;
const sink = { stream() {}, display() {}, clearOutput() {}, input: async () => '' };
// The engine catches what escapes a cell, as a kernel must: a failed cell ends the bench here instead.
function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
async function cell(code: string, shows = false): Promise<void> {
  const outcome = await engine.execute({ code, executionCount: ++count }, sink);
  if (outcome.status !== 'ok') fail(`${code}: ${outcome.error.traceback.join('\n')}`);
  if (shows && !String(outcome.result?.['text/plain']).includes('20 of')) fail(`${code} showed no 20-row table`);
}
await cell(`%sql CREATE TABLE bench_rows AS SELECT range AS id, range % 100 AS g, (range * 7919 % 10007) / 10007.0 AS x, (range % 13)::DOUBLE AS y FROM range(${ROWS})`);
await cell("import { frame } from 'datakernel/frame'; const f = await frame('bench_rows'); undefined");
async function time(code: string): Promise<number> {
  await cell(code, true);
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await cell(code, true);
    runs.push(performance.now() - start);
  }
  return median(runs);
}
const shown = {} as Record<Verb, number>;
const collected = {} as Record<Verb, number>;
for (const verb of Object.keys(verbs) as Verb[]) {
  shown[verb] = await time(verbs[verb].frame);
  // The result of the previous run is dropped at once, as pandas frees the frame it replaces.
  collected[verb] = await time(`if (typeof last !== 'undefined') await last.drop(); var last = await ${verbs[verb].frame}.collect(); last`);
}
await engine.session.close();

const python = `
import io, json, time, statistics, numpy as np, pandas as pd
n, runs = ${ROWS}, ${RUNS}
i = np.arange(n)
df = pd.DataFrame({'id': i, 'g': i % 100, 'x': (i * 7919 % 10007) / 10007, 'y': (i % 13).astype(float)})
def t(fn):
    out = []
    for k in range(runs + 1):
        s = time.perf_counter(); print(fn().head(20), file=io.StringIO()); out.append((time.perf_counter() - s) * 1000)
    return statistics.median(out[1:])
print(json.dumps({${(Object.keys(verbs) as Verb[]).map((v) => `${JSON.stringify(v)}: t(lambda: ${verbs[v].pandas})`).join(', ')}}))`;
const pandas = JSON.parse(execFileSync('/usr/bin/python3', ['-c', python], { encoding: 'utf8' })) as Record<Verb, number>;

const m = `${ROWS / 1e6}M`;
for (const verb of Object.keys(verbs) as Verb[]) {
  console.log(`frame-${verb}-${m} shown: ${shown[verb].toFixed(1)} ms (${(shown[verb] / pandas[verb]).toFixed(2)}x vs pandas + head(20) ${pandas[verb].toFixed(1)} ms, target <= 1)`);
  console.log(`frame-${verb}-${m} collected: ${collected[verb].toFixed(1)} ms (${(collected[verb] / pandas[verb]).toFixed(2)}x vs pandas, target <= 1.5)`);
}
// The engine keeps the process's handles (DuckDB, timers) as a kernel does.
process.exit(0);
