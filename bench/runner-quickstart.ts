// Executes the same notebooks with `datakernel run` (in-process engine) and with
// `jupyter nbconvert --to notebook --execute` on our kernelspec, in one run: notebooks/quickstart.ipynb, and a
// plain-TypeScript notebook that isolates the runner's own overhead. Prints wall times (median of the runs)
// and the ratio against nbconvert. BENCH_QUICK=1 runs each once.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { installTestKernel, runCommand, runJupyter, type CommandResult } from '../test/helpers/jupyter.js';

const RUNS = process.env.BENCH_QUICK === '1' ? 1 : 3;
const jupyter = installTestKernel();
const out = mkdtempSync(join(tmpdir(), 'dk-bench-runner-'));

// 20 small cells: what every notebook pays per cell (transpile, execute, record outputs).
const plain = join(out, 'plain-typescript.ipynb');
writeFileSync(
  plain,
  JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'datakernel', display_name: 'TypeScript (datakernel)', language: 'typescript' } },
    cells: Array.from({ length: 20 }, (_, i) => ({
      cell_type: 'code',
      id: `c${i}`,
      metadata: {},
      source: `const v${i} = Array.from({ length: 10_000 }, (_, k) => k * ${i + 1}).reduce((a, b) => a + b, 0);\nconsole.log('cell ${i}', v${i});\nv${i}`,
      execution_count: null,
      outputs: [],
    })),
  }),
);

async function timed(run: () => Promise<CommandResult>): Promise<{ seconds: number; failure?: string }> {
  const started = performance.now();
  const result = await run();
  const seconds = (performance.now() - started) / 1000;
  return { seconds, failure: result.code === 0 ? undefined : (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ') };
}

async function median(run: () => Promise<CommandResult>): Promise<{ seconds: number; failure?: string }> {
  const results = [];
  for (let i = 0; i < RUNS; i++) results.push(await timed(run));
  const failure = results.find((r) => r.failure)?.failure;
  const sorted = results.map((r) => r.seconds).sort((a, b) => a - b);
  return { seconds: sorted[Math.floor(sorted.length / 2)], failure };
}

try {
  for (const notebook of [resolve('notebooks/quickstart.ipynb'), plain]) {
    const name = basename(notebook, '.ipynb');
    const ours = await median(() =>
      runCommand(process.execPath, [resolve('bin/datakernel.js'), 'run', notebook, join(out, `${name}-run.ipynb`)], jupyter, { cwd: resolve('.') }),
    );
    const reference = await median(() =>
      runJupyter(['nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.kernel_name=datakernel', '--output-dir', out, '--output', `${name}-nbconvert.ipynb`, notebook], jupyter),
    );
    const note = (failure?: string) => (failure ? `  [FAILED: ${failure}]` : '');
    console.log(`runner ${name} nbconvert --execute: ${reference.seconds.toFixed(2)} s (reference)${note(reference.failure)}`);
    console.log(`runner ${name} datakernel run: ${ours.seconds.toFixed(2)} s (${(ours.seconds / reference.seconds).toFixed(2)}x vs nbconvert --execute)${note(ours.failure)}`);
  }
} finally {
  jupyter.cleanup();
}
