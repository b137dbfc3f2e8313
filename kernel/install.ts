import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { jupyterUserDataDir } from '../src/client/kernelspec.js';
import { packageRoot } from './package-root.js';
import { makeDirectory } from '../src/fs/make-directory.js';

export interface InstallOptions {
  /** Install for the current user (~/.local/share/jupyter/kernels). @default true unless prefix is set */
  user?: boolean;
  /** Install under PREFIX/share/jupyter/kernels (e.g. a virtualenv or /usr/local). */
  prefix?: string;
  /** Kernelspec name. @default "datakernel" */
  name?: string;
}


/** The kernelspec folder for these options. */
export function kernelspecDir(options: InstallOptions): string {
  const base = options.prefix ? join(resolve(options.prefix), 'share', 'jupyter') : jupyterUserDataDir();
  return join(base, 'kernels', options.name ?? 'datakernel');
}

/**
 * Writes kernel.json (absolute paths to node and to this package's CLI, so it runs from any working
 * directory) and the logos. No Python needed.
 */
export function installKernelspec(options: InstallOptions = {}): string {
  const dir = kernelspecDir(options);
  const root = packageRoot().dir;
  makeDirectory(dir);
  const spec = {
    argv: [process.execPath, join(root, 'bin', 'datakernel.js'), 'kernel', '{connection_file}'],
    display_name: 'TypeScript (datakernel)',
    language: 'typescript',
    // interrupt_request on the control channel reaches the kernel even while a cell spins.
    interrupt_mode: 'message',
    env: {},
    metadata: { debugger: false, datakernel: { version: 1 } },
  };
  writeFileSync(join(dir, 'kernel.json'), `${JSON.stringify(spec, null, 2)}\n`);
  for (const logo of ['logo-32x32.png', 'logo-64x64.png', 'logo-svg.svg']) {
    const source = join(root, 'assets', logo);
    if (existsSync(source)) copyFileSync(source, join(dir, logo));
  }
  return dir;
}
