import { AsyncLocalStorage } from 'node:async_hooks';
import { getHeapStatistics } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { currentOutput } from '../display/output.js';
import { DataKernelError, InterruptedError } from '../errors.js';

/*
 * Interrupts from outside this thread (Ctrl-C, SIGINT from Jupyter or a control thread, a runner's cell
 * timeout) arrive as a SIGINT to this process. A watcher thread with its own signal handle sees it even while
 * the main thread spins, sets a shared flag and then tells the main thread. The flag is the one truth:
 * - a spinning loop of cell code checks it at every iteration and throws;
 * - a cell that awaits is rejected when the watcher's message arrives, if the flag is still set. A message that
 *   arrives after the loop already stopped (or after the next cell cleared the flag) is stale and ignored, so
 *   one interrupt never hits two cells.
 * vm's breakOnSigint is not used: once it has run, Node leaves SIGINT to its exit handler and the next
 * interrupt would kill the process.
 * While a cell runs, the watcher also raises a second flag every few milliseconds: the next loop iteration then
 * looks at the heap, and stops a cell that is about to exhaust it (V8 would abort the whole process).
 * The running cell and its deadline live in shared memory too. The watcher is woken (Atomics.notify) only once a
 * cell outlives its first turn of the event loop or enters a loop: a message to it at each cell's start and end
 * cost a tenth of a `1 + 1` round trip, and a cell that short needs no watching.
 */
const HEAP_SAMPLE_MS = 10;
const MB = 1024 * 1024;
// heap_size_limit counts the young generation (up to 3 x 16 MB semi-spaces) too, but V8 aborts once the old
// generation is full: a loop stops its cell at 80% of what is left for it, before V8 thrashes.
const YOUNG_GENERATION = 64 * MB;
const HEAP_STOP_SHARE = 0.8;

// Int32 slots of the shared state, then one Float64: the running cell's deadline (Date.now() ms, 0 for none).
const INTERRUPT = 0;
const HEAP_CHECK = 1;
/** The running cell's number, 0 when none runs. */
const RUNNING = 2;
const DEADLINE_BYTE = 16;
const STATE_BYTES = 24;

const WATCHER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const flag = new Int32Array(workerData, 0, 2);
const running = new Int32Array(workerData, 0, 3);
const deadline = new Float64Array(workerData, ${DEADLINE_BYTE}, 1);
process.noDeprecation = true;
try {
  // A worker gets no process.on('SIGINT'); its own libuv signal handle sees the signal while the main thread spins.
  const { Signal } = process.binding('signal_wrap');
  const handle = new Signal();
  handle.onsignal = () => {
    Atomics.store(flag, ${INTERRUPT}, 1);
    parentPort.postMessage('interrupt');
  };
  handle.start(2);
} catch (error) { process._rawDebug('datakernel: interrupt watcher unavailable: ' + error.message); }
parentPort.postMessage('ready');
let sampler;
let timedOut = 0;
const follow = () => {
  const cell = Atomics.load(running, ${RUNNING});
  if (cell === 0) {
    clearInterval(sampler);
    sampler = undefined;
    return idle();
  }
  const due = deadline[0];
  if (due !== 0 && timedOut !== cell && Date.now() >= due) {
    timedOut = cell;
    process.kill(process.pid, 'SIGINT');
  }
  Atomics.store(flag, ${HEAP_CHECK}, 1);
};
const idle = () => {
  const wait = Atomics.waitAsync(running, ${RUNNING}, 0);
  (wait.async ? wait.value : Promise.resolve()).then(() => {
    if (Atomics.load(running, ${RUNNING}) === 0) return idle();
    follow();
    sampler = setInterval(follow, ${HEAP_SAMPLE_MS});
  });
};
idle();
`;

/** Thrown in a cell whose loop would otherwise grow the heap past V8's limit and abort the kernel. */
export class HeapLimitError extends DataKernelError {
  constructor(used: number, limit: number) {
    super(
      `The cell was stopped: the kernel's heap is at ${Math.round(used / MB)} MB of its ${Math.round(limit / MB)} MB limit, and going on would crash the kernel and lose every variable`,
      'Work on less at once (aggregate in SQL and fetch only what you show, or process in chunks), free big variables (`name = undefined`), or start the kernel with a bigger heap (NODE_OPTIONS=--max-old-space-size=MB).',
    );
    this.name = 'HeapLimitError';
  }
}

/** The cell a piece of code belongs to, carried through its awaits and callbacks. */
interface CellToken {
  cancelled: boolean;
}

export class Interrupter {
  /** Shared with the watcher: interrupt requested, time to look at the heap, the running cell; then its deadline. */
  private readonly shared = new SharedArrayBuffer(STATE_BYTES);
  private readonly flag = new Int32Array(this.shared, 0, 3);
  private readonly deadline = new Float64Array(this.shared, DEADLINE_BYTE, 1);
  private cellNumber = 0;
  /** The running cell, until the watcher has been woken for it. */
  private unwatched = 0;
  private readonly heapLimit = getHeapStatistics().heap_size_limit;
  private readonly heapStop = (this.heapLimit - YOUNG_GENERATION) * HEAP_STOP_SHARE;
  // Keeps running as long as its signal handle and port are open; unref'd so it never keeps the process alive.
  private readonly watcher: Worker;
  private readonly cellTokens = new AsyncLocalStorage<CellToken>();
  /** Interrupted cells that may still resume after their await; while any exist, loops also check their cell. */
  private orphans = 0;
  private cancelRunning: (() => void) | undefined;
  /**
   * Resolves once the watcher's signal handle listens. A SIGINT before that would reach only this thread's
   * no-op handler, and a cell spinning meanwhile could not be stopped: cells wait for it (a worker takes
   * ~50 ms to boot, over a second on a loaded machine, and the engine loads while a client is still idle).
   */
  private watching: Promise<void> | undefined;

  constructor() {
    this.watcher = new Worker(WATCHER_SOURCE, { eval: true, workerData: this.shared });
    this.watcher.unref();
    this.watching = new Promise((resolve) => this.watcher.once('message', () => resolve()));
    this.watcher.on('message', () => {
      if (this.cancelRunning && Atomics.load(this.flag, INTERRUPT) !== 0) {
        Atomics.store(this.flag, INTERRUPT, 0);
        this.cancelRunning();
      }
    });
    // A listener keeps Node from exiting on SIGINT; the watcher does the work.
    process.on('SIGINT', () => undefined);
  }

  /** The function cell loops call each iteration; throws once the flag is set, or in an interrupted cell. */
  readonly check = (): void => {
    if (this.unwatched !== 0) this.wakeWatcher();
    if (Atomics.load(this.flag, INTERRUPT) !== 0) {
      Atomics.store(this.flag, INTERRUPT, 0);
      throw new InterruptedError();
    }
    if (Atomics.load(this.flag, HEAP_CHECK) !== 0) {
      Atomics.store(this.flag, HEAP_CHECK, 0);
      const used = getHeapStatistics().used_heap_size;
      if (used > this.heapStop) throw new HeapLimitError(used, this.heapLimit);
      // The same beat lets the output of a loop that blocks the thread leave while it runs.
      currentOutput()?.flushStale?.();
    }
    // A cell interrupted while it awaited resumes later on its own (`await sleep(9); while (true) {}`): its
    // loops stop at once instead of blocking the cells after it.
    if (this.orphans !== 0 && this.cellTokens.getStore()?.cancelled) throw new InterruptedError();
  };

  /**
   * Interrupts the running cell from this thread. This thread is free, so the cell is awaiting: it is
   * rejected at once (a signal to the process would arrive later and could hit the next cell instead).
   */
  interrupt(): void {
    this.cancelRunning?.();
  }

  /**
   * Runs one cell: clears stale interrupts, arms the timeout, and rejects with InterruptedError if an
   * interrupt arrives while the cell awaits.
   */
  async guard<T>(run: () => Promise<T>, timeoutMs?: number): Promise<T> {
    if (this.watching) {
      await this.watching;
      this.watching = undefined;
    }
    Atomics.store(this.flag, INTERRUPT, 0);
    const cell = (this.cellNumber = (this.cellNumber % 0x7fffffff) + 1);
    this.deadline[0] = timeoutMs === undefined ? 0 : Date.now() + timeoutMs;
    Atomics.store(this.flag, RUNNING, cell);
    this.unwatched = cell;
    setImmediate(() => this.unwatched === cell && this.wakeWatcher());
    const token: CellToken = { cancelled: false };
    const running = this.cellTokens.run(token, run);
    const interrupted = new Promise<never>((_, reject) => {
      this.cancelRunning = () => {
        token.cancelled = true;
        this.orphans++;
        // Its outcome no longer matters, but while it can still resume its loops must see the cancellation.
        running.then(
          () => this.orphans--,
          () => this.orphans--,
        );
        reject(new InterruptedError());
      };
    });
    running.catch(() => undefined);
    try {
      return await Promise.race([running, interrupted]);
    } finally {
      this.cancelRunning = undefined;
      this.unwatched = 0;
      Atomics.store(this.flag, RUNNING, 0);
      Atomics.store(this.flag, INTERRUPT, 0);
    }
  }

  private wakeWatcher(): void {
    this.unwatched = 0;
    Atomics.notify(this.flag, RUNNING);
  }

  /** Whether the calling code is a cell's, or one of its awaits, timers or callbacks. */
  inCell(): boolean {
    return this.cellTokens.getStore() !== undefined;
  }

  close(): Promise<number> {
    return this.watcher.terminate();
  }
}
