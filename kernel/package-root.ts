import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This package's folder and package.json, found from here whether it runs built (dist/kernel) or from source (kernel/). */
export function packageRoot(): { dir: string; version: string } {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version: string };
    if (pkg.name === 'datakernel') return { dir, version: pkg.version };
  }
  throw new Error('datakernel: cannot find its package.json');
}
