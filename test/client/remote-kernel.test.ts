import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findKernelSpec, KernelDiedError, listKernelSpecs, newConnection, RemoteKernel, writeConnectionFile } from '../../src/client/index.js';
import { DataKernelError } from '../../src/errors.js';
import { RecordingSink } from '../helpers/magic-context.js';

const root = mkdtempSync(join(tmpdir(), 'client-test-'));
const savedPath = process.env.JUPYTER_PATH;
afterAll(() => {
  process.env.JUPYTER_PATH = savedPath;
  rmSync(root, { recursive: true, force: true });
});

function installSpec(dataDir: string, name: string, spec: Record<string, unknown>): void {
  mkdirSync(join(dataDir, 'kernels', name), { recursive: true });
  writeFileSync(join(dataDir, 'kernels', name, 'kernel.json'), JSON.stringify(spec));
}

describe('kernelspecs', () => {
  it('finds specs on JUPYTER_PATH first, then the system folders, by case-insensitive name', () => {
    const first = join(root, 'first');
    const second = join(root, 'second');
    installSpec(first, 'Shadow', { argv: ['first', '{connection_file}'], display_name: 'First', language: 'x', interrupt_mode: 'message' });
    installSpec(second, 'shadow', { argv: ['second'], display_name: 'Second', language: 'x' });
    process.env.JUPYTER_PATH = [first, second].join(':');
    expect(findKernelSpec('shadow')).toMatchObject({ name: 'Shadow', displayName: 'First', interruptMode: 'message', resourceDir: join(first, 'kernels', 'Shadow') });
    // Debian's ipykernel installs its spec under /usr/share/jupyter.
    expect(listKernelSpecs().get('python3')).toMatchObject({ language: 'python', interruptMode: 'signal' });
    expect(() => findKernelSpec('no-such-kernel')).toThrow(/No Jupyter kernel named "no-such-kernel" \(installed: .*Shadow/);
  });
});

describe('RemoteKernel on ipykernel', () => {
  let kernel: RemoteKernel;
  beforeAll(async () => {
    kernel = await RemoteKernel.launch(findKernelSpec('python3'), { cwd: root, env: { PYDEVD_DISABLE_FILE_VALIDATION: '1' } });
  });
  afterAll(() => kernel?.shutdown());

  it('handshakes and executes with streams, displays and results', async () => {
    expect(kernel.language).toBe('python');
    const sink = new RecordingSink();
    const outcome = await kernel.execute({ code: "import os\nprint('hello')\nfrom IPython.display import display, HTML\ndisplay(HTML('<b>x</b>'))\nos.getcwd()", executionCount: 1 }, sink);
    expect(outcome).toEqual({ status: 'ok', result: { 'text/plain': `'${root}'` } });
    expect(sink.outputs[0]).toEqual({ kind: 'stream', name: 'stdout', text: 'hello\n' });
    expect(sink.outputs[1]).toMatchObject({ kind: 'display', data: { 'text/html': '<b>x</b>' } });
  });

  it('returns errors as outcomes, and interrupts a cell at its timeout with state kept', async () => {
    const sink = new RecordingSink();
    const error = await kernel.execute({ code: 'kept = 7\n1/0', executionCount: 2 }, sink);
    expect(error).toMatchObject({ status: 'error', error: { ename: 'ZeroDivisionError', evalue: 'division by zero' } });
    const spun = await kernel.execute({ code: 'while True: pass', executionCount: 3, timeoutMs: 500 }, sink);
    expect(spun).toMatchObject({ status: 'error', error: { ename: 'KeyboardInterrupt' } });
    expect(await kernel.execute({ code: 'kept', executionCount: 4 }, sink)).toEqual({ status: 'ok', result: { 'text/plain': '7' } });
  });

  it('answers input() through the sink, completes and checks completeness', async () => {
    const sink = new RecordingSink();
    sink.answers = ['typed'];
    expect(await kernel.execute({ code: "input('name? ')", executionCount: 5 }, sink)).toEqual({ status: 'ok', result: { 'text/plain': "'typed'" } });
    const completion = await kernel.complete('import o', 8);
    expect(completion.matches).toContain('os');
    expect(completion).toMatchObject({ cursorStart: 7, cursorEnd: 8 });
    expect(await kernel.isComplete('for i in range(3):')).toMatchObject({ status: 'incomplete' });
    expect(await kernel.isComplete('x = 1')).toEqual({ status: 'complete' });
  });
});

describe('kernel failures', () => {
  it('reports a kernel killed mid-cell as KernelDiedError', async () => {
    const kernel = await RemoteKernel.launch(findKernelSpec('python3'), { env: { PYDEVD_DISABLE_FILE_VALIDATION: '1' } });
    const running = kernel.execute({ code: 'import os, signal, time\ntime.sleep(0.2)\nos.kill(os.getpid(), signal.SIGKILL)', executionCount: 1 }, new RecordingSink());
    await expect(running).rejects.toThrow(KernelDiedError);
    await expect(running).rejects.toThrow('The kernel died (killed by SIGKILL)');
    await expect(kernel.execute({ code: '1', executionCount: 2 }, new RecordingSink())).rejects.toThrow(KernelDiedError);
    await kernel.shutdown();
  });

  it('says why a kernel that cannot start did not start', async () => {
    const dataDir = join(root, 'broken');
    installSpec(dataDir, 'broken', { argv: ['/usr/bin/python3', '-c', 'import sys; sys.stderr.write("no such module\\n"); sys.exit(2)', '{connection_file}'], language: 'python' });
    process.env.JUPYTER_PATH = dataDir;
    const failure = RemoteKernel.launch(findKernelSpec('broken'), { startTimeoutMs: 20_000 });
    await expect(failure).rejects.toThrow(DataKernelError);
    await expect(failure).rejects.toThrow(/exit code 2; its last output:\nno such module/);
  });

  it('attaches to a kernel started elsewhere (--existing), detaches leaving it running, and notices its death by heartbeat', async () => {
    const connection = await newConnection();
    const file = writeConnectionFile(root, connection);
    const child = spawn('/usr/bin/python3', ['-m', 'ipykernel_launcher', '-f', file], { stdio: 'ignore', env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' } });
    const first = await RemoteKernel.attach(file, { startTimeoutMs: 30_000 });
    expect(await first.execute({ code: 'x = 6 * 7', executionCount: 1 }, new RecordingSink())).toEqual({ status: 'ok' });
    first.detach();
    const kernel = await RemoteKernel.attach(file, { startTimeoutMs: 30_000 });
    expect(await kernel.execute({ code: 'x', executionCount: 2 }, new RecordingSink())).toEqual({ status: 'ok', result: { 'text/plain': '42' } });
    const died = new Promise<Error>((resolve) => kernel.onDeath(resolve));
    child.kill('SIGKILL');
    expect((await died).message).toBe('The kernel died (no heartbeat)');
    await kernel.shutdown();
  });
});
