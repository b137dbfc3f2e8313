import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DataKernelError } from '../errors.js';
import { RUNTIME_BACKEND_ENV, RUNTIME_DIR_ENV, RUNTIME_PACKAGES_ENV, type WorkerHello, type WorkerMessage, type WorkerRequest } from './protocol.js';
import type { RuntimeSpec } from './spec.js';

// Run from the sources (vitest, tsx), this module finds the worker in the build, as the child runs plain node.
const built = fileURLToPath(new URL('./worker.js', import.meta.url));
const fromSource = fileURLToPath(new URL('../../dist/src/runtimes/worker.js', import.meta.url));

/** Path of the worker entry that `fork` starts. */
function workerEntry(): string {
  if (!import.meta.url.endsWith('.ts')) return built;
  if (!existsSync(fromSource)) throw new DataKernelError('The runtime worker is not built', 'Run npm run build first.');
  return fromSource;
}

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;
/** A request without its id (the worker assigns none; this side numbers them). */
export type WorkerCall = Distribute<WorkerRequest>;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: (done: number, detail?: string) => void;
}

/** Where a worker scores: a runtime folder with its spec, or (no folder) the package's own tfjs. */
export interface WorkerRuntime {
  dir?: string;
  spec?: RuntimeSpec;
  /** DuckDB threads of the worker. @default DuckDB's own (one per core) */
  duckdbThreads?: number;
}

/**
 * A child process scoring with one runtime's tfjs, driven over IPC: every call is a request with an id,
 * answered once; the calls in flight fail with a clear error when the worker dies.
 */
export class RuntimeWorker {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private stderr = '';
  private exited: string | undefined;
  /** What the worker said of itself at start: pid, tfjs version, backend. */
  hello!: WorkerHello;

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.on('data', (data: Buffer) => (this.stderr = (this.stderr + data.toString()).slice(-4000)));
    child.on('message', (message: WorkerMessage) => this.receive(message));
    child.on('exit', (code, signal) => {
      this.exited = signal ?? `code ${code}`;
      const detail = this.stderr.trim() ? `:\n${this.stderr.trim().split('\n').slice(-8).join('\n')}` : '';
      const error = new DataKernelError(`The runtime worker ${child.pid} exited (${this.exited})${detail}`, 'Its work is retried or fails with this error; nothing it had not finished was kept.');
      for (const call of this.pending.values()) call.reject(error);
      this.pending.clear();
    });
    this.idle();
  }

  /** Starts a worker and waits until it has loaded its tfjs. */
  static async start(runtime: WorkerRuntime = {}): Promise<RuntimeWorker> {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env[RUNTIME_DIR_ENV];
    if (runtime.dir && runtime.spec) {
      env[RUNTIME_DIR_ENV] = runtime.dir;
      env[RUNTIME_BACKEND_ENV] = runtime.spec.backend;
      env[RUNTIME_PACKAGES_ENV] = Object.keys(runtime.spec.packages).join(',');
    }
    if (runtime.duckdbThreads) env.DATAKERNEL_WORKER_THREADS = String(runtime.duckdbThreads);
    const child = fork(workerEntry(), [], { env, serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] });
    const worker = new RuntimeWorker(child);
    worker.hello = (await worker.call({ op: 'hello' })) as WorkerHello;
    return worker;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** True until the process has exited. */
  get alive(): boolean {
    return this.exited === undefined;
  }

  /** Sends a request; resolves with its reply, reporting progress messages to `onProgress`. */
  call(request: WorkerCall, onProgress?: (done: number, detail?: string) => void): Promise<unknown> {
    if (!this.alive) return Promise.reject(new DataKernelError(`The runtime worker ${this.pid} has exited (${this.exited})`, 'Run the cell again: a new worker starts.'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.busy();
      this.child.send({ ...request, id } as WorkerRequest, (error) => {
        if (!error) return;
        // EPIPE: the worker died before the request reached it. Its exit, due any moment, fails the call with the
        // reason (as for the calls in flight), so the caller sees a dead worker and can retry the work elsewhere.
        const late = setTimeout(() => this.pending.delete(id) && reject(error), 1000);
        this.child.once('exit', () => clearTimeout(late));
      });
    });
  }

  /** Stops the worker (SIGTERM by default). */
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.alive) this.child.kill(signal);
  }

  private receive(message: WorkerMessage): void {
    const call = this.pending.get(message.id);
    if (!call) return;
    if ('progress' in message) {
      call.onProgress?.(message.progress, message.detail);
      return;
    }
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.idle();
    if (message.ok) call.resolve(message.value);
    else call.reject(Object.assign(new DataKernelError(message.error.message, message.error.hint), { name: message.error.name }));
  }

  // An idle worker must not keep the kernel (or `datakernel run`) from exiting; a busy one must keep it alive.
  private idle(): void {
    this.child.unref();
    (this.child.channel as { unref?: () => void } | undefined)?.unref?.();
  }

  private busy(): void {
    this.child.ref();
    (this.child.channel as { ref?: () => void } | undefined)?.ref?.();
  }
}
