import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirectory } from '../../src/fs/make-directory.js';

describe('makeDirectory', () => {
  const root = mkdtempSync(join(tmpdir(), 'dk-mkdir-'));

  it('makes every missing folder, and leaves existing ones be', () => {
    makeDirectory(join(root, 'a', 'b', 'c'));
    expect(statSync(join(root, 'a', 'b', 'c')).isDirectory()).toBe(true);
    makeDirectory(join(root, 'a', 'b'));
    makeDirectory(join(root, 'a', 'b', 'c'));
    expect(existsSync(join(root, 'a', 'b', 'c'))).toBe(true);
  });

  it('fails at once under /proc, where a recursive mkdirSync spins forever', () => {
    const started = Date.now();
    expect(() => makeDirectory('/proc/datakernel-nowhere/deeper')).toThrow(/ENOENT: no such file or directory, mkdir '\/proc\/datakernel-nowhere'/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('fails under a file, naming it', () => {
    writeFileSync(join(root, 'file'), 'x');
    expect(() => makeDirectory(join(root, 'file', 'inside'))).toThrow(/ENOTDIR/);
  });
});
