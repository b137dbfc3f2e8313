import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runWithOutput } from '../../src/display/output.js';
import { ensureRuntime, installedRuntime, runtimeDir } from '../../src/runtimes/install.js';
import { describeRuntime, parseRuntime, runtimeKey, sameRuntime } from '../../src/runtimes/spec.js';
import { startWorker } from '../../src/runtimes/runtime-workers.js';
import { RecordingSink } from '../helpers/magic-context.js';

const base = { tfjs: '4.22.0', backend: 'wasm' as const, packages: {} };
const root = mkdtempSync(join(tmpdir(), 'dk-runtimes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('runtime specs', () => {
  it('parses --runtime text over the kernel runtime, pinned versions only', () => {
    expect(parseRuntime('tfjs@4.21.0', base)).toEqual({ tfjs: '4.21.0', backend: 'wasm', packages: {} });
    expect(parseRuntime('tfjs@4.20.0,backend=cpu,lodash@4.17.21,@scope/x@1.0.0', base)).toEqual({ tfjs: '4.20.0', backend: 'cpu', packages: { '@scope/x': '1.0.0', lodash: '4.17.21' } });
    expect(() => parseRuntime('tfjs@latest', base)).toThrow(/needs an exact version, got "latest"/);
    expect(() => parseRuntime('backend=webgpu', base)).toThrow(/Unknown tfjs backend "webgpu"/);
    expect(() => parseRuntime('lodash', base)).toThrow(/is not NAME@VERSION/);
    expect(describeRuntime(parseRuntime('tfjs@4.21.0,lodash@4.17.21', base))).toBe('tfjs@4.21.0 wasm +lodash@4.17.21');
  });

  it('names a runtime folder by its canonical spec', () => {
    const a = parseRuntime('tfjs@4.21.0,b@1.0.0,a@2.0.0', base);
    const b = parseRuntime('tfjs@4.21.0,a@2.0.0,b@1.0.0', base);
    expect(runtimeKey(a)).toBe(runtimeKey(b));
    expect(sameRuntime(a, b)).toBe(true);
    expect(sameRuntime(a, base)).toBe(false);
  });
});

describe('ensureRuntime', () => {
  const spec = { tfjs: '4.21.0', backend: 'cpu' as const, packages: {} };

  it('waits while a live process holds the install lock, takes over once it is dead, installs once with a lockfile', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    const dir = runtimeDir(spec, root);
    mkdirSync(root, { recursive: true });
    writeFileSync(`${dir}.lock`, String(holder.pid));
    const sink = new RecordingSink();
    const installing = runWithOutput(sink, () => ensureRuntime(spec, root));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(installedRuntime(dir)).toBeUndefined();
    expect(sink.text()).toContain(`waiting for process ${holder.pid}, which is installing it`);
    holder.kill('SIGKILL');
    expect(await installing).toBe(dir);
    const record = installedRuntime(dir)!;
    expect(record.installed).toEqual({ '@tensorflow/tfjs-core': '4.21.0', '@tensorflow/tfjs-layers': '4.21.0', '@tensorflow/tfjs-backend-cpu': '4.21.0' });
    expect(existsSync(join(dir, 'package-lock.json'))).toBe(true);
    expect(existsSync(`${dir}.lock`)).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies).toEqual({ '@tensorflow/tfjs-core': '4.21.0', '@tensorflow/tfjs-layers': '4.21.0', '@tensorflow/tfjs-backend-cpu': '4.21.0' });
    // Installed: the next call neither locks nor runs npm.
    const again = new RecordingSink();
    expect(await runWithOutput(again, () => ensureRuntime(spec, root))).toBe(dir);
    expect(again.outputs).toEqual([]);
  }, 180_000);

  it('installs the packages a runtime lists beside its tfjs, and its worker imports them before scoring', async () => {
    const withPackage = { tfjs: '4.21.0', backend: 'cpu' as const, packages: { 'is-number': '7.0.0' } };
    const worker = await runWithOutput(new RecordingSink(), () => startWorker(withPackage, root));
    try {
      expect(worker.hello).toMatchObject({ tfjs: '4.21.0', backend: 'cpu' });
      expect(installedRuntime(runtimeDir(withPackage, root))!.installed['is-number']).toBe('7.0.0');
    } finally {
      worker.kill();
    }
  }, 180_000);

  it('fails with npm\'s reason for a version that does not exist, and installs nothing', async () => {
    const missing = { tfjs: '0.0.999', backend: 'cpu' as const, packages: {} };
    await expect(runWithOutput(new RecordingSink(), () => ensureRuntime(missing, root))).rejects.toThrow(/npm install .* failed[\s\S]*(ETARGET|No matching version|notarget)/i);
    expect(installedRuntime(runtimeDir(missing, root))).toBeUndefined();
    expect(existsSync(`${runtimeDir(missing, root)}.lock`)).toBe(false);
  }, 120_000);
});
