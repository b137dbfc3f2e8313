import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Progress } from '../display/progress.js';
import { DataKernelError } from '../errors.js';
import { tryPidLock } from '../fs/pid-lock.js';
import { describeRuntime, runtimeDependencies, runtimeKey, type RuntimeSpec } from './spec.js';
import { makeDirectory } from '../fs/make-directory.js';

/** What an installed runtime folder records about itself (runtime.json, written last). */
export interface InstalledRuntime {
  spec: RuntimeSpec;
  /** Versions npm resolved, read back from the installed packages. */
  installed: Record<string, string>;
  installedAt: string;
}

const MARKER = 'runtime.json';
// npm fetching a runtime from an empty cache takes seconds; a lock held far longer belongs to a hung install.
const LOCK_WAIT_MS = 10 * 60_000;
const LOCK_POLL_MS = 200;

/** Folder of all runtimes: $DATAKERNEL_RUNTIMES, else ~/.cache/datakernel/runtimes (XDG_CACHE_HOME respected). */
export function runtimesRoot(): string {
  return process.env.DATAKERNEL_RUNTIMES ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'datakernel', 'runtimes');
}

/** The folder a runtime installs into (whether or not it is installed yet). */
export const runtimeDir = (spec: RuntimeSpec, root = runtimesRoot()): string => join(root, runtimeKey(spec));

/** Every complete install under `root`, with its folder. */
export function installedRuntimes(root = runtimesRoot()): Array<InstalledRuntime & { dir: string }> {
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((name) => {
    const record = installedRuntime(join(root, name));
    return record ? [{ ...record, dir: join(root, name) }] : [];
  });
}

/** The record of an installed runtime, or undefined when the folder holds no complete install. */
export function installedRuntime(dir: string): InstalledRuntime | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as InstalledRuntime;
  } catch {
    return undefined;
  }
}

/** Takes `path` as a lock file (holding this pid); waits while a live process holds it, takes over a dead one's. */
async function lock(path: string, onWait: (pid: number) => void): Promise<() => void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    const attempt = tryPidLock(path);
    if ('release' in attempt) return attempt.release;
    if (Date.now() > deadline) throw new DataKernelError(`Timed out waiting for the runtime install lock ${path}`, `If no install is running, delete ${path}.`);
    onWait(attempt.holder);
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

/** Runs npm in `dir`, showing its latest output line in `progress`; rejects with npm's own message. */
function runNpm(dir: string, args: string[], progress: Progress): Promise<void> {
  return new Promise((resolve, reject) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const child = spawn(npm, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });
    let output = '';
    const seconds = () => Math.round((Date.now() - started) / 1000);
    const started = Date.now();
    const onData = (data: Buffer) => {
      output = (output + data.toString()).slice(-4000);
      const last = output.trim().split('\n').at(-1) ?? '';
      progress.update(seconds(), `npm ${args[0]}: ${last.slice(0, 100)}`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setInterval(() => progress.update(seconds()), 500);
    child.on('error', (error) => {
      clearInterval(timer);
      reject(new DataKernelError(`Could not run npm to install a runtime: ${error.message}`, 'Runtimes install with npm: put npm on PATH.'));
    });
    child.on('close', (code) => {
      clearInterval(timer);
      if (code === 0) resolve();
      else reject(new DataKernelError(`npm ${args.join(' ')} failed in ${dir} (exit ${code}):\n${output.trim().split('\n').slice(-12).join('\n')}`, 'Check that the versions exist on the npm registry and that the registry (or the npm cache) is reachable.'));
    });
  });
}

function readInstalled(dir: string, spec: RuntimeSpec): Record<string, string> {
  const require = createRequire(join(dir, 'package.json'));
  const installed: Record<string, string> = {};
  for (const name of Object.keys(runtimeDependencies(spec))) {
    installed[name] = (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  }
  return installed;
}

/**
 * The folder of an installed runtime, installing it first if needed: a package.json of the pinned versions,
 * `npm install --prefer-offline` (or `npm ci` when a lockfile is already there, so a reinstall is the same
 * tree), then runtime.json. A lock file keeps two processes from installing the same runtime at once; the
 * second waits and uses the first one's install.
 */
export async function ensureRuntime(spec: RuntimeSpec, root = runtimesRoot()): Promise<string> {
  const dir = runtimeDir(spec, root);
  if (installedRuntime(dir)) return dir;
  makeDirectory(root);
  let progress: Progress | undefined;
  const show = (text: string) => (progress ??= new Progress({ label: `Runtime ${describeRuntime(spec)}`, unit: 's' })).update(0, text);
  const release = await lock(`${dir}.lock`, (pid) => show(`waiting for process ${pid}, which is installing it`));
  try {
    if (installedRuntime(dir)) return dir;
    progress ??= new Progress({ label: `Installing runtime ${describeRuntime(spec)}`, unit: 's' });
    makeDirectory(dir);
    const manifest = { name: `datakernel-runtime-${runtimeKey(spec)}`, private: true, description: `datakernel model runtime ${describeRuntime(spec)}`, dependencies: runtimeDependencies(spec) };
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const command = existsSync(join(dir, 'package-lock.json')) ? 'ci' : 'install';
    await runNpm(dir, [command, '--prefer-offline', '--no-audit', '--no-fund', '--save-exact', '--loglevel', 'http'], progress);
    const installed = readInstalled(dir, spec);
    const record: InstalledRuntime = { spec, installed, installedAt: new Date().toISOString() };
    writeFileSync(join(dir, MARKER), `${JSON.stringify(record, null, 2)}\n`);
    progress.finish(`installed in ${dir}`);
    return dir;
  } finally {
    release();
  }
}
