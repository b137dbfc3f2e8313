import { createHash } from 'node:crypto';
import { DataKernelError } from '../errors.js';

/** TF.js backends a runtime can score on, and the npm package that provides each. */
export const BACKEND_PACKAGES = {
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
  tensorflow: '@tensorflow/tfjs-node',
} as const;
export type RuntimeBackend = keyof typeof BACKEND_PACKAGES;

/** What a model needs to be scored: the tfjs version, the backend, and npm packages its code imports (exact versions). */
export interface RuntimeSpec {
  tfjs: string;
  backend: RuntimeBackend;
  /** npm name -> exact version. @default {} */
  packages: Record<string, string>;
}

const EXACT_VERSION = /^\d+\.\d+\.\d+(-[\w.]+)?$/;
const PACKAGE = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/;

function checkVersion(what: string, version: string): string {
  if (!EXACT_VERSION.test(version)) {
    throw new DataKernelError(`${what} needs an exact version, got "${version}"`, 'Runtimes are pinned: write e.g. tfjs@4.21.0 (not ^4 or latest).');
  }
  return version;
}

const isBackend = (name: string): name is RuntimeBackend => Object.hasOwn(BACKEND_PACKAGES, name);

/** Checks a spec read from JSON or given by a caller; returns it in canonical form (packages sorted). */
export function checkRuntime(spec: { tfjs: string; backend?: string; packages?: Record<string, string> }): RuntimeSpec {
  const backend = spec.backend ?? 'wasm';
  if (!isBackend(backend)) throw new DataKernelError(`Unknown tfjs backend "${backend}"`, `Use one of: ${Object.keys(BACKEND_PACKAGES).join(', ')}.`);
  const packages: Record<string, string> = {};
  for (const name of Object.keys(spec.packages ?? {}).sort()) {
    if (!PACKAGE.test(name)) throw new DataKernelError(`"${name}" is not an npm package name`, 'Write packages as NAME@VERSION, e.g. lodash@4.17.21.');
    packages[name] = checkVersion(name, spec.packages![name]);
  }
  return { tfjs: checkVersion('tfjs', spec.tfjs), backend, packages };
}

/**
 * Parses `--runtime` text: `tfjs@4.21.0`, optionally with `backend=cpu` and packages, comma-separated
 * (`tfjs@4.21.0,backend=cpu,lodash@4.17.21`). Fields left out come from `base` (the kernel's own runtime).
 */
export function parseRuntime(text: string, base: RuntimeSpec): RuntimeSpec {
  let tfjs = base.tfjs;
  let backend: string = base.backend;
  const packages: Record<string, string> = { ...base.packages };
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    if (part.startsWith('backend=')) backend = part.slice('backend='.length);
    else {
      const at = part.lastIndexOf('@');
      if (at <= 0) throw new DataKernelError(`"${part}" in --runtime is not NAME@VERSION`, 'E.g. --runtime tfjs@4.21.0 or --runtime tfjs@4.21.0,backend=cpu,lodash@4.17.21.');
      const name = part.slice(0, at);
      const version = part.slice(at + 1);
      if (name === 'tfjs' || name === '@tensorflow/tfjs') tfjs = version;
      else packages[name] = version;
    }
  }
  return checkRuntime({ tfjs, backend, packages });
}

/** Short text of a runtime, e.g. "tfjs@4.21.0 wasm" or "tfjs@4.21.0 cpu +lodash@4.17.21". */
export function describeRuntime(spec: RuntimeSpec): string {
  const extra = Object.entries(spec.packages).map(([name, version]) => ` +${name}@${version}`);
  return `tfjs@${spec.tfjs} ${spec.backend}${extra.join('')}`;
}

/** True when both specs need the same installed packages. */
export const sameRuntime = (a: RuntimeSpec, b: RuntimeSpec): boolean => runtimeKey(a) === runtimeKey(b);

/** A stable name for a runtime's folder: a hash of its canonical spec. */
export function runtimeKey(spec: RuntimeSpec): string {
  const canonical = checkRuntime(spec);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 16);
}

/** The package.json dependencies a runtime folder installs: tfjs core and layers, the backend, the packages. */
export function runtimeDependencies(spec: RuntimeSpec): Record<string, string> {
  return {
    '@tensorflow/tfjs-core': spec.tfjs,
    '@tensorflow/tfjs-layers': spec.tfjs,
    [BACKEND_PACKAGES[spec.backend]]: spec.tfjs,
    ...spec.packages,
  };
}
