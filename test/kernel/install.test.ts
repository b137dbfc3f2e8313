import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { installTestKernel, runCommand } from '../helpers/jupyter.js';

const cli = fileURLToPath(new URL('../../bin/datakernel.js', import.meta.url));
const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version as string;
const scratch = mkdtempSync(join(tmpdir(), 'datakernel-install-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function datakernel(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [cli, ...args], { cwd: scratch, env }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('datakernel CLI', () => {
  it('prints help and version', async () => {
    const help = await datakernel(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: datakernel/);
    expect(help.stdout).toMatch(/install \[options\]/);
    expect(help.stdout).toMatch(/kernel <connection-file>/);
    expect(await datakernel(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('fails with a clear message for unknown or conflicting options and a missing connection file', async () => {
    const unknown = await datakernel(['install', '--sudo']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown option '--sudo'/);
    const both = await datakernel(['install', '--user', '--prefix', scratch]);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toMatch(/--user and --prefix exclude each other/);
    const missing = await datakernel(['kernel', join(scratch, 'no-such-connection.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^datakernel: Cannot read connection file .*no-such-connection.json/);
  });

  it('installs a kernelspec under --prefix that runs from any directory, with logos', async () => {
    const prefix = join(scratch, 'prefix');
    const result = await datakernel(['install', '--prefix', prefix, '--name', 'dk-test']);
    expect(result.code).toBe(0);
    const dir = join(prefix, 'share', 'jupyter', 'kernels', 'dk-test');
    expect(result.stdout).toContain(dir);
    const spec = JSON.parse(readFileSync(join(dir, 'kernel.json'), 'utf8'));
    expect(spec).toMatchObject({ display_name: 'TypeScript (datakernel)', language: 'typescript', interrupt_mode: 'message' });
    expect(spec.argv.slice(2)).toEqual(['kernel', '{connection_file}']);
    expect(spec.argv.slice(0, 2).every(isAbsolute)).toBe(true);
    expect(spec.argv.slice(0, 2).every(existsSync)).toBe(true);
    for (const [logo, size] of [['logo-32x32.png', 32], ['logo-64x64.png', 64]] as const) {
      const png = readFileSync(join(dir, logo));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
    }
    expect(readFileSync(join(dir, 'logo-svg.svg'), 'utf8')).toMatch(/^<svg /);
  });

  it('installs for the user by default (XDG_DATA_HOME)', async () => {
    const dataHome = join(scratch, 'data');
    const result = await datakernel(['install'], { ...process.env, XDG_DATA_HOME: dataHome });
    expect(result.code).toBe(0);
    expect(existsSync(join(dataHome, 'jupyter', 'kernels', 'datakernel', 'kernel.json'))).toBe(true);
  });

  it('is listed by `jupyter kernelspec list`', async () => {
    const jupyter = installTestKernel({ name: 'dk-listed' });
    try {
      const result = await runCommand('/usr/bin/python3', ['-m', 'jupyter_client.kernelspecapp', 'list', '--json'], jupyter);
      const specs = JSON.parse(result.stdout).kernelspecs;
      expect(specs['dk-listed'].spec).toMatchObject({ language: 'typescript', interrupt_mode: 'message' });
    } finally {
      jupyter.cleanup();
    }
  });
});
