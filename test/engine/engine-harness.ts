import { Console } from 'node:console';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecuteOutcome } from '../../src/engine/interpreter.js';
import { Engine } from '../../src/engine/engine.js';
import { Session } from '../../src/session/session.js';
import { RecordingSink } from '../helpers/magic-context.js';

/** One in-process engine per test file (the engine owns the process's globals), and a cell runner over it. */
export function engineHarness() {
  // vitest swaps console for one that never writes to process.stdout; cells must get Node's, as in a kernel.
  globalThis.console = new Console({ stdout: process.stdout, stderr: process.stderr });
  const dir = mkdtempSync(join(tmpdir(), 'dk-engine-'));
  const engine = new Engine({ session: new Session(dir) });
  let count = 0;
  /** Runs one cell; returns its outcome and everything it printed or displayed. */
  async function run(code: string, options: { timeoutMs?: number; pager?: boolean } = {}): Promise<{ outcome: ExecuteOutcome; sink: RecordingSink; text: string }> {
    const sink = new RecordingSink();
    const outcome = await engine.execute({ code, executionCount: ++count, ...options }, sink);
    const text = outcome.status === 'ok' ? String(outcome.result?.['text/plain'] ?? '') : '';
    return { outcome, sink, text };
  }
  /** The text/plain of a cell that must succeed. */
  async function value(code: string): Promise<string> {
    const { outcome, text } = await run(code);
    if (outcome.status !== 'ok') throw new Error(`cell failed: ${outcome.error.traceback.join('\n')}`);
    return text;
  }
  return { engine, dir, run, value, executionCount: () => count };
}
