import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

/** SIGKILLs `child`, as a crash would, and waits until it is gone (at once when it already is). */
export async function killAndWait(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** A `datakernel serve` process (from dist/: `npm run build` first) that printed its ready line. */
export interface ServeProcess {
  child: ChildProcess;
  /** The ready line's match: [1] is the URL. */
  ready: RegExpExecArray;
  /** stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/** Starts `datakernel serve ARGS` and resolves once stdout matches `ready`; rejects with its output if it exits first. */
export async function startServeProcess(args: string[], ready: RegExp): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['bin/datakernel.js', 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const match = await new Promise<RegExpExecArray>((done, fail) => {
    const check = (chunk: Buffer) => {
      out += chunk.toString();
      const found = ready.exec(out);
      if (found) done(found);
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code, signal) => fail(new Error(`datakernel serve exited (${signal ?? code}): ${out}`)));
  });
  return {
    child,
    ready: match,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((done) => child.on('exit', done));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs `datakernel serve ARGS` expecting it to fail at start: its exit code and stderr. */
export function failedServe(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['bin/datakernel.js', 'serve', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => done({ code, stderr }));
  });
}
