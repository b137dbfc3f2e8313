import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { splitInputs } from '../../repl/script-runner.js';
import { isComplete } from '../../src/engine/is-complete.js';
import { newConnection, writeConnectionFile } from '../../src/client/connection-file.js';

const cli = join(import.meta.dirname, '../../bin/datakernel.js');
const dir = mkdtempSync(join(tmpdir(), 'dk-script-'));
const env = { ...process.env, DATAKERNEL_HISTORY_FILE: join(dir, 'history.jsonl') };
const repl = (args: string[], input = '') => spawnSync('node', [cli, 'repl', ...args], { input, encoding: 'utf8', cwd: dir, env, timeout: 60_000 });

describe('datakernel repl without a terminal', () => {
  it('splits a script into the inputs a person would type, cell magics ending at a blank line', async () => {
    const script = 'function f(x: number) {\n  return x\n}\nf(1)\n%%sql\nSELECT 1\n\nconst y = 2';
    expect(await splitInputs(script, { isComplete })).toEqual(['function f(x: number) {\n  return x\n}', 'f(1)', '%%sql\nSELECT 1', 'const y = 2']);
  });

  it('runs piped input, prints results and output, and exits 0', () => {
    const run = repl([], 'const rows = [{ a: 1 }, { a: 2 }]\nconsole.log("sum", rows.reduce((s, r) => s + r.a, 0))\nrows.length * 21\n');
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('sum 3\n42\n');
    expect(run.status).toBe(0);
  });

  it('stops at the first error with a non-zero exit and the failing line', () => {
    const run = repl([], 'console.log("before")\nconst x: number = undefinedThing + 1\nconsole.log("never")\n');
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('before\n');
    expect(run.stderr).toContain('ReferenceError: undefinedThing is not defined');
    expect(run.stderr).toContain('1 | const x: number = undefinedThing + 1');
    expect(run.stdout + run.stderr).not.toContain('never');
  });

  it('runs -e CODE, magics included', () => {
    const run = repl(['-e', '%%writefile note.txt\nhello from -e']);
    expect(run.status).toBe(0);
    expect(readFileSync(join(dir, 'note.txt'), 'utf8')).toContain('hello from -e');
    expect(repl(['-e', 'throw new Error("bad")']).status).toBe(1);
  });

  describe('--existing', () => {
    const kernels: Array<ReturnType<typeof spawn>> = [];
    afterAll(() => kernels.forEach((k) => k.kill('SIGKILL')));

    it('attaches to a running kernel, whose state outlives each attach', async () => {
      const connectionFile = writeConnectionFile(dir, await newConnection());
      const kernel = spawn('node', [cli, 'kernel', connectionFile], { cwd: dir, env, stdio: 'ignore' });
      kernels.push(kernel);
      const first = repl(['--existing', connectionFile, '-e', 'const shared = 41; shared']);
      expect(first.stderr).toBe('');
      expect(first.stdout.trim()).toBe('41');
      const second = repl(['--existing', connectionFile, '-e', 'shared + 1']);
      expect(second.stdout.trim()).toBe('42');
      expect(kernel.exitCode).toBeNull();
    });
  });
});
