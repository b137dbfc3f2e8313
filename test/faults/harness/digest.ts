import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * A digest of every file under `dirs` (paths and bytes), to show a case changed no stored data. Temporary files
 * of an unfinished write (`.NAME.dk-tmp-*`, cleared by the next load) are not data and are left out.
 */
export function filesDigest(...dirs: string[]): string {
  const hash = createHash('sha256');
  const walk = (root: string, folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(root, path);
      else if (entry.isFile() && !entry.name.includes('.dk-tmp-')) hash.update(relative(root, path)).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  for (const dir of dirs) if (existsSync(dir)) walk(dir, dir);
  return hash.digest('hex');
}
