import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// esbuild reads ESBUILD_BINARY_PATH when its module loads, so this module must be evaluated before it
// (src/engine/esbuild.ts imports it first). See bin/esbuild-ignoring-sigint for why.
const wrapper = fileURLToPath(new URL('../../../bin/esbuild-ignoring-sigint', import.meta.url));
const wrapperFromSource = fileURLToPath(new URL('../../bin/esbuild-ignoring-sigint', import.meta.url));
const script = [wrapper, wrapperFromSource].find((path) => existsSync(path));
if (process.platform !== 'win32' && script && !process.env.ESBUILD_BINARY_PATH) {
  const binary = createRequire(import.meta.url).resolve('esbuild/bin/esbuild');
  process.env.DATAKERNEL_ESBUILD_BINARY = binary;
  process.env.ESBUILD_BINARY_PATH = script;
}
