// The engine's own costs, each beside a bare reference measured in the same run:
// - in-process round trip of the cell `1 + 1` through Engine.execute (transpile, rewrite, source maps, run,
//   format) against esbuild's transform plus vm's run of the same code, the least any TypeScript cell costs;
// - a fresh process importing the engine and answering `1 + 1` against a bare `node` that prints a number;
// - opening a full history file (10,000 entries) and recording one entry against reading and parsing the file.
// BENCH_QUICK=1 shrinks the runs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import vm from 'node:vm';
import { transformSync } from 'esbuild';
import { Engine } from '../src/engine/engine.js';
import { HistoryStore } from '../src/history/history-store.js';
import { Session } from '../src/session/session.js';

const QUICK = process.env.BENCH_QUICK === '1';
const CELLS = QUICK ? 300 : 2_000;
const STARTS = QUICK ? 3 : 7;
const OPENS = QUICK ? 5 : 20;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const line = (name: string, value: number, unit: string, reference: number) =>
  console.log(`${name}: ${value.toFixed(unit === 'ms' ? 1 : 0)} ${unit} (${(value / reference).toFixed(2)}x vs reference ${reference.toFixed(unit === 'ms' ? 1 : 0)} ${unit})`);

const quietSink = { stream() {}, display() {}, clearOutput() {}, input: async () => '' };

async function executeRoundTrip(): Promise<void> {
  const engine = new Engine({ session: new Session(mkdtempSync(join(tmpdir(), 'dk-bench-'))) });
  const ours: number[] = [];
  for (let i = 0; i < CELLS; i++) {
    const start = performance.now();
    await engine.execute({ code: '1 + 1', executionCount: i + 1 }, quietSink);
    ours.push((performance.now() - start) * 1000);
  }
  const bare: number[] = [];
  for (let i = 0; i < CELLS; i++) {
    const start = performance.now();
    const { code } = transformSync('1 + 1', { loader: 'ts' });
    new vm.Script(code, { filename: `ref${i}` }).runInThisContext();
    bare.push((performance.now() - start) * 1000);
  }
  await engine.shutdown();
  line('engine execute 1 + 1 (median)', median(ours.slice(CELLS / 10)), 'µs', median(bare.slice(CELLS / 10)));
}

function coldStart(): void {
  const engineUrl = new URL('../dist/src/engine/engine.js', import.meta.url).href;
  const sessionUrl = new URL('../dist/src/session/session.js', import.meta.url).href;
  const script = `const t0 = performance.now(); const { Engine } = await import('${engineUrl}'); const { Session } = await import('${sessionUrl}');
const e = new Engine({ session: new Session(process.cwd()) });
await e.execute({ code: '1 + 1', executionCount: 1 }, { stream() {}, display() {}, clearOutput() {}, input: async () => '' });
console.log(performance.now()); await e.shutdown(); process.exit(0);`;
  const run = (args: string[]) => {
    const start = performance.now();
    execFileSync(process.execPath, args, { stdio: 'pipe' });
    return performance.now() - start;
  };
  const ours = Array.from({ length: STARTS }, () => run(['--input-type=module', '-e', script]));
  const bare = Array.from({ length: STARTS }, () => run(['-e', 'console.log(performance.now())']));
  line('engine cold start to first result (median)', median(ours), 'ms', median(bare));
}

function historyOpen(): void {
  const file = join(mkdtempSync(join(tmpdir(), 'dk-bench-history-')), 'history.jsonl');
  const lines = Array.from({ length: 10_000 }, (_, i) => JSON.stringify({ session: 1 + Math.floor(i / 100), line: (i % 100) + 1, source: `const value${i} = compute(${i})`, time: new Date().toISOString() }));
  writeFileSync(file, `${lines.join('\n')}\n`);
  const ours: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < OPENS; i++) {
    let start = performance.now();
    new HistoryStore(resolve(file)).record(1, 'x');
    ours.push(performance.now() - start);
    start = performance.now();
    readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    bare.push(performance.now() - start);
  }
  line('history open + record on 10,000 entries (median)', median(ours), 'ms', median(bare));
}

await executeRoundTrip();
coldStart();
historyOpen();
