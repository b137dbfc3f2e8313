import { existsSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DataKernelError } from '../errors.js';

const TS_FILE = /\.(ts|tsx|mts|cts)$/;
const builtins = new Set(builtinModules);
let tsImport: ((specifier: string, parentURL: string) => Promise<unknown>) | undefined;

async function importTypeScript(url: string, cwd: string): Promise<unknown> {
  if (!tsImport) {
    // tsx compiles local .ts files (and what they import) in a namespace of its own; loaded on first use.
    const { register } = await import('tsx/esm/api');
    const api = register({ namespace: 'datakernel' });
    tsImport = (specifier, parentURL) => api.import(specifier, parentURL);
  }
  return esModuleInterop(await tsImport(url, pathToFileURL(`${cwd}/`).href));
}

/**
 * A .ts file outside a `"type": "module"` package is compiled to CommonJS, so Node hands back its exports
 * object as `default`; unwrapping esbuild's `__esModule` marker gives the cell the module's real default.
 */
function esModuleInterop(namespace: unknown): unknown {
  const inner = (namespace as { default?: { __esModule?: boolean } }).default;
  return inner && typeof inner === 'object' && inner.__esModule ? inner : namespace;
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
    // The query makes an edited file load again instead of coming from the module cache.
    const url = `${pathToFileURL(file).href}?mtime=${statSync(file).mtimeMs}`;
    return TS_FILE.test(file) ? importTypeScript(url, cwd) : import(url);
  }
  return import(await resolvePackage(specifier, cwd));
}

/**
 * `require` for cells, resolving from the notebook's folder and then, like `import`, from datakernel's own
 * packages (a global install keeps them beside itself, out of reach of the notebook's folder).
 */
export function requireForCell(cwd: string): NodeJS.Require {
  const fromNotebook = createRequire(resolvePath(cwd, '__datakernel_cell__.js'));
  const fromPackage = createRequire(ownPackageDir);
  const resolveEither = (id: string): string => {
    try {
      return fromNotebook.resolve(id);
    } catch (error) {
      try {
        return fromPackage.resolve(id);
      } catch {
        throw error;
      }
    }
  };
  const cellRequire = ((id: string) => fromNotebook(resolveEither(id))) as NodeJS.Require;
  const resolve = ((id: string, options?: { paths?: string[] }) => (options ? fromNotebook.resolve(id, options) : resolveEither(id))) as NodeJS.RequireResolve;
  resolve.paths = fromNotebook.resolve.paths;
  return Object.assign(cellRequire, { resolve, cache: fromNotebook.cache, extensions: fromNotebook.extensions, main: fromNotebook.main });
}
