// Deno's Jupyter kernel as a reference for the kernel benches. Deno ships on the npm registry (the `deno`
// package and its per-platform binary), so it is installed once into a cache folder rather than assumed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestJupyter } from '../../test/helpers/jupyter.js';

const DENO_VERSION = '2.9.6';
const cacheDir = join(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'datakernel-bench', `deno-${DENO_VERSION}`);

/** The deno binary, installed from npm on first use; undefined (with the reason printed) when it cannot be. */
function denoBinary(): string | undefined {
  const binary = join(cacheDir, 'node_modules', '.bin', 'deno');
  if (!existsSync(binary)) {
    try {
      mkdirSync(cacheDir, { recursive: true });
      writeFileSync(join(cacheDir, 'package.json'), '{"private": true}\n');
      execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `deno@${DENO_VERSION}`], { cwd: cacheDir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
    } catch (error) {
      console.log(`Deno's kernel not measured: npm could not install deno@${DENO_VERSION} (${(error as Error).message.split('\n')[0]})`);
      return undefined;
    }
  }
  return binary;
}

/** Adds Deno's kernelspec (named `deno`) beside the test kernel's; false when Deno is not available. */
export function addDenoKernel(jupyter: TestJupyter): boolean {
  const deno = denoBinary();
  if (!deno) return false;
  const specDir = join(jupyter.env.JUPYTER_PATH!, 'kernels', 'deno');
  mkdirSync(specDir, { recursive: true });
  const spec = { argv: [deno, 'jupyter', '--kernel', '--conn', '{connection_file}'], display_name: 'Deno', language: 'typescript', env: { DENO_DIR: join(cacheDir, 'deno-dir'), NO_COLOR: '1' } };
  writeFileSync(join(specDir, 'kernel.json'), JSON.stringify(spec, null, 2));
  return true;
}
