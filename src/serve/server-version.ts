import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** datakernel's version from its package.json, found upwards from this file (it runs from src/ and dist/). */
export function serverVersion(): string {
  if (cached) return cached;
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'datakernel' && pkg.version) return (cached = pkg.version);
    } catch {
      // No package.json at this level: keep walking up.
    }
  }
  return (cached = 'unknown');
}
