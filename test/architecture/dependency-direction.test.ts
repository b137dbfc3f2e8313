import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

// ARCHITECTURE.md: kernel/ knows only the Interpreter interface; the engine knows nothing of ZeroMQ or terminals;
// magics call the libraries; libraries never import magics, the engine, the kernel or the REPL.
const root = resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Every relative module a file imports (static, dynamic and re-exports), as paths from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.[^'"]+)['"]/g)].map((m) => m[1]);
  return specifiers.map((s) => relative(root, resolve(root, dirname(file), s)));
}

const LIBRARIES = ['catalog', 'cdc', 'client', 'connectors', 'display', 'drift', 'features', 'frame', 'history', 'ingest', 'ml', 'runner', 'runtimes', 'schema', 'serve', 'session', 'sql', 'streams', 'vectors', 'viz'];

function violations(files: string[], forbidden: RegExp, allowed?: RegExp): string[] {
  return files.flatMap((file) => importsOf(file).filter((target) => forbidden.test(target) && !allowed?.test(target)).map((target) => `${file} -> ${target}`));
}

describe('dependency direction', () => {
  it('libraries import neither magics, the engine, the kernel nor the REPL', () => {
    const files = LIBRARIES.flatMap((lib) => {
      try {
        return sourceFiles(join('src', lib));
      } catch {
        return [];
      }
    });
    expect(files.length).toBeGreaterThan(20);
    // The wire protocol (framing, signatures, messages) is one library that the kernel and the client share.
    expect(violations(files, /^(src\/magics|src\/engine|kernel|repl)\//, /^(src\/engine\/interpreter\.js|kernel\/protocol\/)/)).toEqual([]);
  });

  it('magics reach libraries only, never the engine, the kernel or the REPL', () => {
    expect(violations(sourceFiles('src/magics'), /^(src\/engine|kernel|repl)\//)).toEqual([]);
  });

  it('the engine knows nothing of the kernel or the terminal', () => {
    expect(violations(sourceFiles('src/engine'), /^(kernel|repl)\//)).toEqual([]);
  });

  it('the kernel protocol core and transport know only the Interpreter interface', () => {
    const files = ['kernel/core', 'kernel/protocol', 'kernel/transport'].flatMap(sourceFiles);
    expect(violations(files, /^(src\/engine|repl)\//, /^src\/engine\/interpreter\.js$/)).toEqual([]);
  });
});
