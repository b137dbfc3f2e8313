import type { MimeBundle } from '../display/mime.js';
import type { OutputSink } from '../display/output.js';

export interface ExecuteRequest {
  code: string;
  /** The number this execution shows (In [n]); the front end owns the counter. */
  executionCount: number;
  /** Silent executions produce no result and are not recorded. */
  silent?: boolean;
  /** Interrupts the cell after this many milliseconds (the runner's per-cell timeout). */
  timeoutMs?: number;
  /** The front end shows help (`?name`, `name?`) in a pager: it comes back as `page`, not as output. */
  pager?: boolean;
}

export interface ErrorInfo {
  ename: string;
  evalue: string;
  /** Lines as a terminal would print them (no ANSI colours unless the front end asks). */
  traceback: string[];
}

export type ExecuteOutcome =
  | {
      status: 'ok';
      /** The last expression's bundle; absent when it was undefined. */
      result?: MimeBundle;
      /** Text a magic (e.g. %load) asks the front end to put into the next input. */
      nextInput?: string;
      /** Help the cell asked for, when the request has `pager` (Jupyter's `page` payload). */
      page?: MimeBundle;
    }
  | { status: 'error'; error: ErrorInfo };

export interface Completion {
  matches: string[];
  /** UTF-16 offsets into the code of the text the matches replace. */
  cursorStart: number;
  cursorEnd: number;
  /** Per-match kind (function, variable, keyword, magic...) for front ends that show it. */
  types?: Array<{ text: string; type: string; start: number; end: number }>;
}

export interface Inspection {
  found: boolean;
  data: MimeBundle;
}

export type Completeness = { status: 'complete' | 'invalid' | 'unknown' } | { status: 'incomplete'; indent: string };

/** What a front end (Jupyter kernel, REPL, notebook runner) asks of the engine; language logic only. */
export interface Interpreter {
  execute(request: ExecuteRequest, output: OutputSink): Promise<ExecuteOutcome>;
  complete(code: string, cursor: number): Promise<Completion>;
  inspect(code: string, cursor: number, detailLevel: 0 | 1): Promise<Inspection>;
  /** Synchronous in-process; a remote kernel answers over the wire. */
  isComplete(code: string): Completeness | Promise<Completeness>;
  /** Stops the running cell (sync loops and pending awaits); state defined before survives. */
  interrupt(): void;
  shutdown(): Promise<void>;
}
