import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { DataKernelError } from '../errors.js';

/** A Jupyter kernelspec (kernel.json) and the folder it came from. */
export interface KernelSpec {
  name: string;
  /** The folder holding kernel.json (what `{resource_dir}` in argv expands to). */
  resourceDir: string;
  argv: string[];
  displayName: string;
  language: string;
  /** How to interrupt: a SIGINT to the process, or an interrupt_request on the control channel. @default "signal" */
  interruptMode: 'signal' | 'message';
  env: Record<string, string>;
}

/** The user's Jupyter data folder (jupyter_core.paths.jupyter_data_dir), where `--user` kernelspecs go. */
export function jupyterUserDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Jupyter');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'jupyter');
}

/** Jupyter's data path, highest priority first: JUPYTER_PATH, the user's data dir, then the system dirs (jupyter_core.paths.jupyter_path). */
export function jupyterDataPath(): string[] {
  const fromEnv = (process.env.JUPYTER_PATH ?? '').split(delimiter).filter(Boolean);
  return [...new Set([...fromEnv, jupyterUserDataDir(), '/usr/local/share/jupyter', '/usr/share/jupyter'])];
}

function readSpec(name: string, resourceDir: string): KernelSpec {
  const file = join(resourceDir, 'kernel.json');
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new DataKernelError(`Cannot read the kernelspec ${file}: ${(error as Error).message}`, 'Reinstall that kernel or fix its kernel.json.');
  }
  if (!Array.isArray(raw.argv) || raw.argv.length === 0) {
    throw new DataKernelError(`The kernelspec ${file} has no argv`, 'Reinstall that kernel; kernel.json must list the command that starts it.');
  }
  return {
    name,
    resourceDir,
    argv: raw.argv.map(String),
    displayName: String(raw.display_name ?? name),
    language: String(raw.language ?? ''),
    interruptMode: raw.interrupt_mode === 'message' ? 'message' : 'signal',
    env: Object.fromEntries(Object.entries((raw.env as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => [k, String(v)])),
  };
}

/** Every installed kernelspec by name; a name found in several folders resolves to the first on the data path. */
export function listKernelSpecs(): Map<string, KernelSpec> {
  const specs = new Map<string, KernelSpec>();
  for (const dataDir of jupyterDataPath()) {
    const kernelsDir = join(dataDir, 'kernels');
    if (!existsSync(kernelsDir)) continue;
    for (const name of readdirSync(kernelsDir)) {
      const resourceDir = join(kernelsDir, name);
      if (specs.has(name.toLowerCase()) || !existsSync(join(resourceDir, 'kernel.json'))) continue;
      specs.set(name.toLowerCase(), readSpec(name, resourceDir));
    }
  }
  return specs;
}

/** The installed kernelspec called `name` (case-insensitive, as Jupyter does). */
export function findKernelSpec(name: string): KernelSpec {
  const specs = listKernelSpecs();
  const spec = specs.get(name.toLowerCase());
  if (!spec) {
    const known = [...specs.values()].map((s) => s.name).join(', ') || 'none';
    throw new DataKernelError(
      `No Jupyter kernel named "${name}" (installed: ${known})`,
      'Install it (e.g. `datakernel install`, `python3 -m ipykernel install --user`) or add its folder to JUPYTER_PATH.',
    );
  }
  return spec;
}
