import { AsyncLocalStorage } from 'node:async_hooks';
import type { MimeBundle } from './mime.js';

export interface DisplayOptions {
  /** Names the output so later updates replace it in place. */
  displayId?: string;
  /** Replace the output that carries `displayId` instead of adding a new one. */
  update?: boolean;
  metadata?: Record<string, unknown>;
}

/** Where a cell's output goes; each front end (kernel, REPL, runner) provides one. */
export interface OutputSink {
  stream(name: 'stdout' | 'stderr', text: string): void;
  display(data: MimeBundle, options?: DisplayOptions): void;
  clearOutput(wait: boolean): void;
  /** Asks the user for a line of text; rejects when the front end cannot ask. */
  input(prompt: string, password: boolean): Promise<string>;
  /** Sends output it holds back, if it has held it long: called from a cell's loops while they block the thread. */
  flushStale?(): void;
  /** True when this front end is a terminal (REPL): libraries pick text renderings. */
  readonly terminal?: boolean;
  /** Terminal width in columns, when known. */
  readonly columns?: number;
}

const storage = new AsyncLocalStorage<OutputSink>();
let fallback: OutputSink | undefined;

/** Runs `fn` with `sink` as the output of everything it starts, timers and promises included. */
export function runWithOutput<T>(sink: OutputSink, fn: () => T): T {
  return storage.run(sink, fn);
}

/** The sink of the cell running now (or the one that started the current callback). */
export function currentOutput(): OutputSink | undefined {
  return storage.getStore() ?? fallback;
}

/** The sink used by callbacks that no cell started (e.g. a server's request handler set up outside a cell). */
export function setFallbackOutput(sink: OutputSink | undefined): void {
  fallback = sink;
}

/** Runs `fn` outside any cell, so what it writes reaches the real terminal (a front end drawing itself). */
export function outsideCells<T>(fn: () => T): T {
  return storage.exit(fn);
}
