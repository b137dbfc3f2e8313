import { Worker } from 'node:worker_threads';
import { InterruptedError } from '../errors.js';

/*
 * Every interrupt, whatever its source (Ctrl-C, SIGINT from Jupyter, interrupt_request on the control channel,
 * a runner's cell timeout), becomes a SIGINT to this process. Two things then stop the cell:
 * - the process 'SIGINT' listener, while the cell awaits (the main thread is free);
 * - a shared flag, checked at every loop iteration of cell code, while a loop spins: the main thread cannot run
 *   a listener then, so a watcher thread with its own signal handle sets the flag.
 * vm's breakOnSigint is not used: once it has run, Node leaves SIGINT to its exit handler and the next
 * interrupt would kill the process.
 */
const WATCHER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const flag = new Int32Array(workerData);
let timer;
process.noDeprecation = true;
try {
  // A worker gets no process.on('SIGINT'); its own libuv signal handle sees the signal while the main thread spins.
  const { Signal } = process.binding('signal_wrap');
  const handle = new Signal();
  handle.onsignal = () => Atomics.store(flag, 0, 1);
  handle.start(2);
} catch (error) { process._rawDebug('datakernel: interrupt watcher unavailable: ' + error.message); }
parentPort.on('message', (message) => {
  clearTimeout(timer);
  if (message.timeoutMs !== undefined) timer = setTimeout(() => process.kill(process.pid, 'SIGINT'), message.timeoutMs);
});
`;

export class Interrupter {
  /** Shared with the watcher thread: 1 means "interrupt the running cell". */
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  // Keeps running as long as its signal handle and port are open; unref'd so it never keeps the process alive.
  private readonly watcher: Worker;
  private rejectPending: ((error: Error) => void) | undefined;

  constructor() {
    this.watcher = new Worker(WATCHER_SOURCE, { eval: true, workerData: this.flag.buffer });
    this.watcher.unref();
    process.on('SIGINT', () => this.rejectPending?.(new InterruptedError()));
  }

  /** The function cell loops call each iteration; throws once the flag is set. */
  readonly check = (): void => {
    if (Atomics.load(this.flag, 0) !== 0) {
      Atomics.store(this.flag, 0, 0);
      throw new InterruptedError();
    }
  };

  /** Interrupts the running cell from this thread. */
  interrupt(): void {
    process.kill(process.pid, 'SIGINT');
  }

  /**
   * Runs one cell: clears stale interrupts, arms the timeout, and rejects with InterruptedError if an
   * interrupt arrives while the cell awaits.
   */
  async guard<T>(run: () => Promise<T>, timeoutMs?: number): Promise<T> {
    Atomics.store(this.flag, 0, 0);
    if (timeoutMs !== undefined) this.watcher.postMessage({ timeoutMs });
    const interrupted = new Promise<never>((_, reject) => (this.rejectPending = reject));
    try {
      const running = run();
      // After an interrupt the cell's own promise may still settle later; its outcome no longer matters.
      running.catch(() => undefined);
      return await Promise.race([running, interrupted]);
    } finally {
      this.rejectPending = undefined;
      if (timeoutMs !== undefined) this.watcher.postMessage({});
      Atomics.store(this.flag, 0, 0);
    }
  }

  close(): Promise<number> {
    return this.watcher.terminate();
  }
}
