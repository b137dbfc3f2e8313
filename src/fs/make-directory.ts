import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p` that fails where it cannot create: Node's recursive mkdirSync spins forever where mkdir answers
 * ENOENT although the parent exists (inside /proc or /sys), retrying the parent, finding it, and trying again.
 */
export function makeDirectory(path: string): void {
  const missing: string[] = [];
  for (let dir = resolve(path); !existsSync(dir); dir = dirname(dir)) {
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (error) {
      // Made meanwhile by another process (two loads at once): as good as made here.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !existsSync(dir)) throw error;
    }
  }
}
