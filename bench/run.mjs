// Runs the benchmarks: every bench/<area>-<name>.ts|.mjs, or only those named on the command line
// (`npm run bench -- kernel` runs bench/kernel-*.ts; `npm run bench -- kernel-startup` just that file).
// Each runs in its own process (`npx tsx`), one after another, so they do not disturb each other's timings.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(benchDir)
  .filter((name) => /^[a-z0-9]+-[\w-]+\.(ts|mjs)$/.test(name))
  .sort();
const wanted = process.argv.slice(2);
const chosen = wanted.length
  ? all.filter((file) => wanted.some((w) => file.replace(/\.(ts|mjs)$/, '') === w || file.startsWith(`${w}-`)))
  : all;
if (chosen.length === 0) {
  console.error(`No benchmark matches ${wanted.join(' ')}; there are: ${all.join(', ')}`);
  process.exit(2);
}

const failed = [];
for (const file of chosen) {
  console.log(`# ${file}`);
  const started = Date.now();
  const result = spawnSync('npx', ['tsx', join(benchDir, file)], { stdio: 'inherit', cwd: join(benchDir, '..') });
  if (result.status !== 0) failed.push(file);
  console.log(`# ${file} took ${((Date.now() - started) / 1000).toFixed(1)} s${result.status === 0 ? '' : ` and FAILED (exit ${result.status ?? result.signal})`}\n`);
}
if (failed.length) {
  console.error(`Failed benchmarks: ${failed.join(', ')}`);
  process.exit(1);
}
