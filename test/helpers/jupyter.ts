/*
 * Real Jupyter clients against the installed kernel, for integration tests and benches.
 *
 *   const jupyter = installTestKernel();            // kernelspec "datakernel" in a temp prefix (needs `npm run build`)
 *   const out = await runPython<{ text: string }>(`
 *     from jupyter_driver import start, execute, stop, emit
 *     km, kc = start()
 *     r = execute(kc, "1 + 1")
 *     stop(km, kc)
 *     emit({"text": r["iopub"][2]["content"]["data"]["text/plain"]})
 *   `, jupyter);
 *   await runJupyter(['nbconvert', '--to', 'notebook', '--execute', 'in.ipynb'], jupyter);
 *   jupyter.cleanup();
 *
 * Python is Debian's /usr/bin/python3 (jupyter_client, nbconvert, jupyter_kernel_test). The script's last stdout
 * line is parsed as JSON; test/helpers/python/jupyter_driver.py (importable as `jupyter_driver`) starts kernels,
 * sends requests and validates every message against the official schemas.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const PYTHON = '/usr/bin/python3';

/** A message as the Python driver (test/helpers/python/jupyter_driver.py) reports it. */
export interface DriverMessage {
  msg_type: string;
  content: Record<string, any>;
  parent_id: string | null;
  metadata?: Record<string, any>;
}

/** What the driver's `request` and `execute` give back: the reply and the IOPub messages between busy and idle. */
export interface DriverExchange {
  /** Set by scripts that keep the request's msg_id. */
  request_id?: string;
  reply: DriverMessage;
  iopub: DriverMessage[];
}

/** A kernelspec installed into a throwaway prefix, and the environment that makes Jupyter find it. */
export interface TestJupyter {
  /** The kernelspec name to pass to KernelManager / nbconvert. */
  kernelName: string;
  /** A temp folder: the prefix, Jupyter's runtime dir and a `work` dir to use as cwd. */
  root: string;
  /** `root/work`, an empty folder outside the repository. */
  workDir: string;
  /** Environment for Python/Jupyter commands: JUPYTER_PATH, JUPYTER_RUNTIME_DIR, PYTHONPATH, and a private DATAKERNEL_HISTORY_FILE. */
  env: NodeJS.ProcessEnv;
  /** Removes the temp folder. */
  cleanup(): void;
}

/** Installs the kernelspec with the real CLI (`datakernel install --prefix`) into a temp prefix. */
export function installTestKernel(options: { name?: string } = {}): TestJupyter {
  const cli = join(repoRoot, 'bin', 'datakernel.js');
  if (!existsSync(join(repoRoot, 'dist', 'kernel', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const kernelName = options.name ?? 'datakernel';
  const root = mkdtempSync(join(tmpdir(), 'datakernel-jupyter-'));
  const prefix = join(root, 'prefix');
  const workDir = join(root, 'work');
  execFileSync(process.execPath, [cli, 'install', '--prefix', prefix, '--name', kernelName]);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_PATH: join(prefix, 'share', 'jupyter'),
    JUPYTER_RUNTIME_DIR: join(root, 'runtime'),
    JUPYTER_PLATFORM_DIRS: '1',
    PYTHONPATH: join(repoRoot, 'test', 'helpers', 'python'),
    DATAKERNEL_HISTORY_FILE: join(root, 'history.jsonl'),
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
  };
  mkdirSync(workDir);
  return { kernelName, root, workDir, env, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Output of a finished command. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (never rejects; look at `code`). @default timeoutMs 120000, cwd jupyter.workDir */
export function runCommand(command: string, args: string[], jupyter: TestJupyter, options: { cwd?: string; timeoutMs?: number; input?: string } = {}): Promise<CommandResult> {
  return new Promise((done) => {
    const child = execFile(
      command,
      args,
      { env: jupyter.env, cwd: options.cwd ?? jupyter.workDir, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) done({ code: 0, stdout, stderr });
        // No exit code: killed (timeout) or never started; the reason is in the message.
        else if (typeof error.code === 'number') done({ code: error.code, stdout, stderr });
        else done({ code: 1, stdout, stderr: `${stderr}\n${error.message}` });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Runs `jupyter ARGS` (e.g. nbconvert) with the test kernelspec visible. */
export function runJupyter(args: string[], jupyter: TestJupyter, options: { cwd?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
  return runCommand(PYTHON, ['-m', 'jupyter', ...args], jupyter, options);
}

/**
 * Runs a Python script (dedented) with /usr/bin/python3 and returns the JSON of its last stdout line; rejects with
 * the script's stderr when it fails. @default timeoutMs 120000, cwd jupyter.workDir
 */
export async function runPython<T = Record<string, unknown>>(script: string, jupyter: TestJupyter, options: { cwd?: string; timeoutMs?: number } = {}): Promise<T> {
  const result = await runCommand(PYTHON, ['-'], jupyter, { ...options, input: dedent(script) });
  const last = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.code !== 0 || !last.startsWith('{') && !last.startsWith('[')) {
    throw new Error(`python exited with ${result.code}\n--- stdout\n${result.stdout.slice(-4000)}\n--- stderr\n${result.stderr.slice(-8000)}`);
  }
  return JSON.parse(last) as T;
}

function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}
