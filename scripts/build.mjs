// Transpiles kernel/, src/ and repl/ to dist/ file by file (no bundling), so the CLI starts from plain JS
// and heavy dependencies stay behind dynamic imports. Type checking is `npm run typecheck`.
import { build } from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['kernel', 'src', 'repl'];
const entryPoints = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.tsx?$/.test(name) && !/\.(test|spec)\.tsx?$/.test(name) && !name.endsWith('.d.ts')) entryPoints.push(path);
  }
};
// dist/ is not wiped first: kernels that tests started keep importing from it while another build runs.
for (const root of roots) if (existsSync(root)) walk(root);
await build({
  entryPoints,
  outdir: 'dist',
  outbase: '.',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  jsx: 'automatic',
  logLevel: 'warning',
});
