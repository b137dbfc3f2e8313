/*
 * The install path a user takes: `npm pack`, then the tarball installed into an empty folder (`npx datakernel install
 * --user`) and globally (`npm install -g` into a temp prefix). Each install starts its kernel from Jupyter with no
 * checkout around it and runs the shipped quickstart. Dependencies come from the npm registry through the local cache.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, runPython, type CommandResult, type TestJupyter } from '../helpers/jupyter.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> };
const INSTALL_TIMEOUT_MS = 600_000;

let scratch: string;
let env: NodeJS.ProcessEnv;
let packed: { filename: string; files: Array<{ path: string }> };
const timings: Record<string, number> = {};

/** The test's process environment without npm's script variables or the checkout's bins, a temp HOME, the real npm cache. */
function userEnvironment(root: string): NodeJS.ProcessEnv {
  const cache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
  const kept = Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'INIT_CWD' && key !== 'NODE_OPTIONS');
  const path = (process.env.PATH ?? '').split(':').filter((dir) => !dir.startsWith(repoRoot)).join(':');
  return {
    ...Object.fromEntries(kept),
    PATH: path,
    HOME: join(root, 'home'),
    JUPYTER_DATA_DIR: join(root, 'jupyter-data'),
    JUPYTER_RUNTIME_DIR: join(root, 'jupyter-runtime'),
    JUPYTER_PLATFORM_DIRS: '1',
    JUPYTER_PATH: '',
    DATAKERNEL_HISTORY_FILE: join(root, 'history.jsonl'),
    PYTHONPATH: join(repoRoot, 'test', 'helpers', 'python'),
    PYTHONDONTWRITEBYTECODE: '1',
    npm_config_cache: cache,
    npm_config_update_notifier: 'false',
  };
}

function jupyterIn(cwd: string, extra: NodeJS.ProcessEnv = {}): TestJupyter {
  return { kernelName: 'datakernel', root: scratch, workDir: cwd, env: { ...env, ...extra }, cleanup: () => {} };
}

async function timed(name: string, command: string, args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
  const started = performance.now();
  const result = await runCommand(command, args, jupyterIn(cwd, extra), { timeoutMs: INSTALL_TIMEOUT_MS });
  timings[name] = Math.round(performance.now() - started) / 1000;
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.code}\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-6000)}`);
  return result;
}

const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

/** Runs cells on the installed kernelspec through jupyter_client; returns what each showed. */
async function runCellsFromJupyter(cwd: string, extra: NodeJS.ProcessEnv = {}): Promise<{ specDir: string; info: Record<string, unknown>; results: string[]; problems: string[] }> {
  const started = performance.now();
  const result = await runPython<{ specDir: string; info: Record<string, unknown>; results: string[]; problems: string[] }>(`
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_driver import start, execute, request, stop, emit
    spec_dir = KernelSpecManager().find_kernel_specs().get("datakernel")
    km, kc = start(cwd=${JSON.stringify(cwd)})
    info = request(kc, "kernel_info_request")["reply"]["content"]
    results = []
    for code in ["1 + 1", "const n: number = 21\\nn * 2", "%sql SELECT 40 + 2 AS answer", "%%sql one <<\\nSELECT 1 AS x", "await one.toDanfo()"]:
        r = execute(kc, code)
        shown = [m["content"] for m in r["iopub"] if m["msg_type"] in ("execute_result", "display_data", "error", "stream")]
        results.append(r["reply"]["content"]["status"] + " " + " ".join(
            c.get("data", {}).get("text/plain", c.get("text", c.get("evalue", ""))) for c in shown))
    stop(km, kc)
    emit({"specDir": spec_dir, "info": info, "results": results})
  `, jupyterIn(cwd, extra), { timeoutMs: 180_000 });
  timings[`jupyter_client: start + 5 cells (${cwd.split('/').at(-1)})`] = Math.round(performance.now() - started) / 1000;
  return result;
}

function expectKernelWorked(run: Awaited<ReturnType<typeof runCellsFromJupyter>>): void {
  expect(run.problems).toEqual([]);
  expect(run.info).toMatchObject({ status: 'ok', implementation: 'datakernel', implementation_version: pkg.version });
  expect(run.results[0]).toBe('ok 2');
  expect(run.results[1]).toBe('ok 42');
  expect(run.results[2]).toMatch(/^ok .*answer[\s\S]*42/);
  // danfo is an optional peer, not installed with datakernel: the error names it and the way out.
  expect(run.results[4]).toMatch(/^error toDanfo\(\) needs danfojs-node/);
}

/** `datakernel run` of the quickstart shipped in the package; `datakernel` is the command that starts the CLI. */
async function expectQuickstartRuns(datakernel: string[], notebook: string, cwd: string, options: string[] = []): Promise<void> {
  const out = join(cwd, 'quickstart-out.ipynb');
  const started = performance.now();
  const run = await runCommand(datakernel[0], [...datakernel.slice(1), 'run', notebook, out, ...options], jupyterIn(cwd), { timeoutMs: 300_000 });
  expect(run.stderr.slice(-3000) + run.stdout.slice(-3000)).not.toMatch(/Error/);
  expect(run.code).toBe(0);
  timings[`datakernel run quickstart ${options.join(' ') || 'in-process'}`] = Math.round(performance.now() - started) / 1000;
  const cells = (JSON.parse(readFileSync(out, 'utf8')) as { cells: Array<{ outputs?: Array<{ data?: Record<string, unknown> }> }> }).cells;
  const shown = JSON.stringify(cells.flatMap((cell) => cell.outputs ?? []));
  expect(shown).toMatch(/Busiest airport: \w+ \(\d+ flights/);
  expect(shown).toContain('text/html');
}

beforeAll(async () => {
  scratch = realpathSync(mkdtempSync(join(tmpdir(), 'datakernel-package-')));
  env = userEnvironment(scratch);
  for (const dir of ['home', 'local', 'global-work']) mkdirSync(join(scratch, dir));
  // `prepare` builds dist/ on the way, as it does for a publish.
  const pack = await timed('npm pack', 'npm', ['pack', '--json', '--pack-destination', scratch], repoRoot);
  packed = (JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as Array<typeof packed>)[0];
  const tarball = join(scratch, packed.filename);
  // Both installs at once: they mostly wait on the disk and the cache, not on the CPU.
  // Both settle before a failure is reported, so neither is still writing when afterAll removes the folder.
  const installs = await Promise.allSettled([
    timed('npm install (folder)', 'npm', ['install', ...NPM_FLAGS, tarball], join(scratch, 'local')),
    timed('npm install -g', 'npm', ['install', '-g', '--prefix', join(scratch, 'global'), ...NPM_FLAGS, tarball], scratch),
  ]);
  const failed = installs.find((install) => install.status === 'rejected');
  if (failed) throw failed.reason;
}, INSTALL_TIMEOUT_MS * 2);

afterAll(() => {
  console.log(`install path timings (s): ${JSON.stringify(timings)}`);
  // Two installs are ~1 GB of small files: removing them can outlast a hook on a loaded machine, so rm runs on its own.
  if (scratch) spawn('rm', ['-rf', scratch], { detached: true, stdio: 'ignore' }).unref();
});

describe('the packed tarball', () => {
  it('holds the built CLI, the example notebooks and the logos, and no sources, tests or benches', () => {
    const paths = packed.files.map((file) => file.path);
    for (const path of ['bin/datakernel.js', 'bin/esbuild-ignoring-sigint', 'dist/kernel/main.js', 'dist/kernel/cli.js', 'dist/src/viz/index.js',
      'notebooks/quickstart.ipynb', 'notebooks/model-loop.ipynb', 'assets/logo-64x64.png', 'package.json', 'README.md']) {
      expect(paths).toContain(path);
    }
    expect(paths.filter((path) => /^(src|test|bench|kernel|repl|scripts|\.ci)\//.test(path) || /\.test\.|notebooks\/out\//.test(path))).toEqual([]);
  });
});

describe('npm install ./datakernel-*.tgz in an empty folder', () => {
  const folder = () => join(scratch, 'local');

  it('installs no devDependency, and `npx datakernel --version` matches package.json', async () => {
    // @types/* come along with dependencies that ship no types of their own; the tools must not.
    const tools = Object.keys(pkg.devDependencies).filter((name) => !name.startsWith('@types/'));
    expect(tools.filter((name) => existsSync(join(folder(), 'node_modules', name)))).toEqual([]);
    const version = await timed('npx datakernel --version', 'npx', ['--no', '--', 'datakernel', '--version'], folder());
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('`npx datakernel install --user` writes a kernelspec into the user data dir that Jupyter starts from any folder', async () => {
    const installed = await timed('npx datakernel install --user', 'npx', ['--no', 'datakernel', 'install', '--user'], folder());
    const specFile = join(env.JUPYTER_DATA_DIR!, 'kernels', 'datakernel', 'kernel.json');
    expect(installed.stdout).toContain(join(env.JUPYTER_DATA_DIR!, 'kernels', 'datakernel'));
    const spec = JSON.parse(readFileSync(specFile, 'utf8')) as { argv: string[] };
    expect(spec.argv.slice(1)).toEqual([join(folder(), 'node_modules', 'datakernel', 'bin', 'datakernel.js'), 'kernel', '{connection_file}']);
    const run = await runCellsFromJupyter(join(scratch, 'home'));
    expect(run.specDir).toBe(join(env.JUPYTER_DATA_DIR!, 'kernels', 'datakernel'));
    expectKernelWorked(run);
  }, 240_000);

  it('runs the shipped quickstart on the installed kernel over ZeroMQ', async () => {
    const notebook = join(folder(), 'node_modules', 'datakernel', 'notebooks', 'quickstart.ipynb');
    await expectQuickstartRuns(['npx', '--no', 'datakernel'], notebook, folder(), ['--kernel', 'datakernel']);
  }, 300_000);
});

describe('npm install -g ./datakernel-*.tgz', () => {
  const prefix = () => join(scratch, 'global');
  const cli = () => join(prefix(), 'bin', 'datakernel');

  it('puts `datakernel` on the prefix\'s PATH; `datakernel install --prefix` gives Jupyter a kernel that runs cells', async () => {
    const version = await timed('datakernel --version (global)', cli(), ['--version'], join(scratch, 'global-work'));
    expect(version.stdout.trim()).toBe(pkg.version);
    const kernelspecs = join(scratch, 'global-kernels');
    await timed('datakernel install --prefix (global)', cli(), ['install', '--prefix', kernelspecs], join(scratch, 'global-work'));
    const spec = JSON.parse(readFileSync(join(kernelspecs, 'share', 'jupyter', 'kernels', 'datakernel', 'kernel.json'), 'utf8')) as { argv: string[] };
    expect(spec.argv[1]).toBe(join(prefix(), 'lib', 'node_modules', 'datakernel', 'bin', 'datakernel.js'));
    expectKernelWorked(await runCellsFromJupyter(join(scratch, 'global-work'), { JUPYTER_PATH: join(kernelspecs, 'share', 'jupyter'), JUPYTER_DATA_DIR: join(scratch, 'no-user-kernels') }));
  }, 240_000);

  it('runs the shipped quickstart in-process, its sample data found beside the global package', async () => {
    const notebook = join(prefix(), 'lib', 'node_modules', 'datakernel', 'notebooks', 'quickstart.ipynb');
    await expectQuickstartRuns([cli()], notebook, join(scratch, 'global-work'));
  }, 300_000);
});
