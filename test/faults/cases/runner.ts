/*
 * `datakernel run` faults: invalid notebooks (not there, not JSON, not a notebook, old format, bad cells), a
 * failing cell, a cell asking for input with no one to answer, a runaway cell past --timeout, bad parameters, an
 * unknown kernel, a run killed half way. Each is a real `datakernel run` process; the input notebooks must not
 * change, a written output must be a whole notebook, and the planted password must not reach it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultCase, FaultFixture, FaultGroup } from '../harness/fault-case.js';
import { filesDigest } from '../harness/digest.js';
import { faultEnv, repoRoot } from '../harness/kernel-fixture.js';
import { filesText } from '../harness/secrets.js';

interface RunnerFixture extends FaultFixture {
  root: string;
  /** Runs `datakernel run ARGS` in the fixture's folder; returns exit code and output as one text. */
  run(args: string[], options?: { killAfterMs?: number; timeoutMs?: number }): Promise<{ code: number | string; text: string }>;
}
type Case = FaultCase<RunnerFixture>;

const cell = (source: string) => ({ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null });
const notebook = (cells: unknown[], metadata: Record<string, unknown> = {}) => JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: 'datakernel', display_name: 'TypeScript (datakernel)', language: 'typescript' }, ...metadata }, cells });

const inputs: Record<string, string> = {
  'good.ipynb': notebook([cell('const rows = 3;\nrows * 2')]),
  'not-json.ipynb': '{"cells": [ this is not json',
  'not-notebook.ipynb': JSON.stringify({ hello: 'world' }),
  'nbformat3.ipynb': JSON.stringify({ nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: [{ cells: [] }] }),
  'cells-object.ipynb': JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: { a: 1 } }),
  'source-number.ipynb': JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', metadata: {}, source: 42, outputs: [] }] }),
  'cell-type.ipynb': JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'kode', metadata: {}, source: '1' }] }),
  'throws.ipynb': notebook([cell('const before = 1'), cell('throw new Error("cell two broke")'), cell('"never runs"')]),
  'input.ipynb': notebook([cell('const name = await input("name? ")')]),
  'spins.ipynb': notebook([cell('while (true) {}')]),
  'params.ipynb': notebook([{ ...cell('const rows = 10'), metadata: { tags: ['parameters'] } }, cell('rows')]),
  'no-params.ipynb': notebook([cell('1')]),
  'unknown-kernel.ipynb': notebook([cell('1')], { kernelspec: { name: 'faults-no-such-kernel', display_name: 'x', language: 'x' } }),
  'slow.ipynb': notebook([cell('await new Promise((r) => setTimeout(r, 200))'), cell('await new Promise((r) => setTimeout(r, 20000))')]),
  'secret.ipynb': notebook([cell('%connect bad postgres://faults_user:env:FAULTS_WRONG_PASSWORD@127.0.0.1:5432/test')]),
};

const outPath = (f: RunnerFixture, name: string) => join(f.root, 'out', name);
/** What an output notebook holds: "none", "invalid JSON", or its cells' output texts. */
function outputOf(path: string): string {
  if (!existsSync(path)) return 'output: none';
  try {
    const nb = JSON.parse(readFileSync(path, 'utf8'));
    return `output: ${nb.cells.length} cells; ${JSON.stringify(nb.cells.map((c: { outputs?: unknown[] }) => c.outputs ?? []))}`;
  } catch {
    return 'output: invalid JSON';
  }
}

const runCase = (name: string, expected: string, match: RegExp, input: string, extra: string[] = []): Case => ({
  name,
  expected,
  match,
  run: async (f) => {
    const out = outPath(f, input);
    const { code, text } = await f.run(['in/' + input, out, ...extra]);
    return `exit ${code}: ${text.trim()}\n${outputOf(out)}`;
  },
});

const cases: Case[] = [
  runCase('a good notebook (control)', 'exit 0, output written with the result', /^exit 0[\s\S]*output: 1 cells; .*"6"/, 'good.ipynb'),
  runCase('input notebook does not exist', 'exit non-zero naming the path', /^exit [1-9][\s\S]*missing\.ipynb/, 'missing.ipynb'),
  runCase('input is not JSON', 'exit non-zero: not valid JSON, naming the file and place', /^exit [1-9][\s\S]*not-json\.ipynb[\s\S]*JSON/, 'not-json.ipynb'),
  runCase('input is JSON but not a notebook', 'exit non-zero: not a notebook (no cells / nbformat)', /^exit [1-9][\s\S]*not-notebook\.ipynb[\s\S]*(cells|nbformat|notebook)/i, 'not-notebook.ipynb'),
  runCase('an nbformat 3 notebook', 'exit non-zero: only nbformat 4, how to convert', /^exit [1-9][\s\S]*nbformat[\s\S]*(4|nbconvert)/i, 'nbformat3.ipynb'),
  runCase('cells is an object, not a list', 'exit non-zero naming cells', /^exit [1-9][\s\S]*cells/i, 'cells-object.ipynb'),
  runCase('a cell whose source is a number', 'exit non-zero naming the cell and source', /^exit [1-9][\s\S]*cell 1 has a source that is number/, 'source-number.ipynb'),
  runCase('an unknown cell_type', 'exit non-zero naming the cell type', /^exit [1-9][\s\S]*cell 1 has cell_type "kode"; nbformat 4 knows code, markdown, raw/, 'cell-type.ipynb'),
  runCase('output folder does not exist', 'exit non-zero naming the folder (or the folder is created)', /^exit [1-9][\s\S]*nowhere|^exit 0/, 'good.ipynb', []),
  runCase('a cell that throws', 'exit 1 naming the cell and error; output written with the error, later cells not run', /^exit 1[\s\S]*Cell 2 failed[\s\S]*cell two broke[\s\S]*output: \d+ cells;.*cell two broke(?![\s\S]*never runs)/, 'throws.ipynb'),
  runCase('a cell that asks for input with no stdin', 'fails fast saying no input can be given', /^exit [1-9][\s\S]*(input|stdin)/i, 'input.ipynb'),
  runCase('a runaway cell past --timeout', 'exit non-zero naming the timeout; output written', /^exit [1-9][\s\S]*(timeout|1 s|interrupt)/i, 'spins.ipynb', ['--timeout', '1']),
  runCase('-p for a notebook without a parameters cell', 'runs with a warning that there is no parameters cell (papermill) or fails naming it', /parameters/i, 'no-params.ipynb', ['-p', 'rows', '5']),
  runCase('malformed -y YAML parameters', 'exit non-zero naming the YAML error', /^exit [1-9][\s\S]*(YAML|yaml)/, 'params.ipynb', ['-y', 'rows: [1, 2']),
  runCase('an unknown kernel', 'exit non-zero naming the kernel and the installed ones', /^exit [1-9][\s\S]*faults-no-such-kernel/, 'unknown-kernel.ipynb', ['--kernel', 'faults-no-such-kernel']),
  runCase('a wrong password in a notebook', 'exit 1 with the authentication error; neither password in the output notebook', /^exit 1[\s\S]*password authentication failed/, 'secret.ipynb'),
  {
    name: 'datakernel run killed half way (SIGKILL)',
    expected: 'no output notebook, or a whole one (never half-written JSON); the input unchanged',
    match: /^killed: SIGKILL[\s\S]*output: (none|\d+ cells)/,
    run: async (f) => {
      const out = outPath(f, 'slow.ipynb');
      const { code } = await f.run(['in/slow.ipynb', out], { killAfterMs: 2500 });
      return `killed: ${code}\n${outputOf(out)}`;
    },
  },
];
// The output-folder case writes under a folder that does not exist.
cases[8] = {
  ...cases[8],
  run: async (f) => {
    const out = join(f.root, 'nowhere', 'deeper', 'good.ipynb');
    const { code, text } = await f.run(['in/good.ipynb', out]);
    return `exit ${code}: ${text.trim()}\n${outputOf(out)}`;
  },
};

export const runnerFaults: FaultGroup<RunnerFixture> = {
  name: 'runner',
  open: async () => {
    const root = mkdtempSync(join(tmpdir(), 'faults-runner-'));
    mkdirSync(join(root, 'in'));
    mkdirSync(join(root, 'out'));
    for (const [name, text] of Object.entries(inputs)) writeFileSync(join(root, 'in', name), text);
    let log = '';
    const run: RunnerFixture['run'] = (args, options = {}) =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [join(repoRoot, 'bin', 'datakernel.js'), 'run', ...args], {
          cwd: root,
          env: { ...process.env, ...faultEnv(root), CI: 'true' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
        const killer = options.killAfterMs ? setTimeout(() => child.kill('SIGKILL'), options.killAfterMs) : undefined;
        const guard = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
        child.on('exit', (code, signal) => {
          clearTimeout(killer);
          clearTimeout(guard);
          log += text;
          resolve({ code: signal ?? code ?? -1, text: text.replace(/\x1b\[[0-9;]*m/g, '') });
        });
      });
    return {
      root,
      run,
      // The runner is a process per run: "alive" is the CLI still starting (the good notebook is a case of its own).
      alive: async () => (await run(['--help'])).code === 0,
      stateIntact: async () => true,
      dataDigest: async () => filesDigest(join(root, 'in')),
      leakSurfaces: async () => `${log}\n${filesText(join(root, 'out'))}`,
      close: async () => rmSync(root, { recursive: true, force: true }),
    };
  },
  cases,
};
