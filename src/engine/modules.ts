import { existsSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DataKernelError } from '../errors.js';

const TS_FILE = /\.(ts|tsx|mts|cts)$/;
const builtins = new Set(builtinModules);
let tsLoaderRegistered = false;

async function registerTypeScriptLoader(): Promise<void> {
  if (tsLoaderRegistered) return;
  // tsx compiles local .ts files imported by cells; loaded only when a cell first imports one.
  const { register } = await import('tsx/esm/api');
  register();
  tsLoaderRegistered = true;
}

function localFile(specifier: string, cwd: string): string | undefined {
  const base = isAbsolute(specifier) ? specifier : resolvePath(cwd, specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}.js`, `${base}.mjs`, `${base}/index.ts`, `${base}/index.js`]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** The packages datakernel itself depends on (apache-arrow, danfojs-node...) are importable from any notebook. */
const ownPackageDir = new URL('../../', import.meta.url);

async function resolvePackage(specifier: string, cwd: string): Promise<string> {
  const { resolve } = await import('import-meta-resolve');
  const parents = [pathToFileURL(`${cwd}/`).href, ownPackageDir.href];
  for (const parent of parents) {
    try {
      return resolve(specifier, parent);
    } catch {
      // Try the next folder.
    }
  }
  throw new DataKernelError(
    `Cannot find package '${specifier}' from ${cwd}`,
    `Install it in the notebook's folder: npm install ${specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]}`,
  );
}

/** `import` for cells: builtins, local files (.ts compiled on the fly, reloaded when changed), and packages resolved from the notebook's folder. */
export async function importForCell(specifier: string, cwd: string): Promise<unknown> {
  if (builtins.has(specifier) || specifier.startsWith('node:')) return import(specifier);
  if (specifier.startsWith('.') || isAbsolute(specifier)) {
    const file = localFile(specifier, cwd);
    if (!file) throw new DataKernelError(`Cannot find module '${specifier}' from ${cwd}`, 'Check the path; relative imports resolve from the notebook\'s folder (%pwd shows it).');
    if (TS_FILE.test(file)) await registerTypeScriptLoader();
    // The query makes an edited file load again instead of coming from the module cache.
    return import(`${pathToFileURL(file).href}?mtime=${statSync(file).mtimeMs}`);
  }
  return import(await resolvePackage(specifier, cwd));
}

/** `require` for cells, resolving from the notebook's folder. */
export function requireForCell(cwd: string): NodeJS.Require {
  return createRequire(resolvePath(cwd, '__datakernel_cell__.js'));
}
