import { text } from 'node:stream/consumers';
import type { Interpreter } from '../src/engine/interpreter.js';
import { KERNEL_VERSION } from '../kernel/core/kernel-info.js';

export interface ReplOptions {
  /** Code to run instead of reading input (-e). */
  eval?: string;
  /** Attach to a running kernel through its connection file instead of starting an engine in-process. */
  existing?: string;
}

async function openInterpreter(options: ReplOptions): Promise<Interpreter> {
  if (options.existing) {
    const { attachToKernel } = await import('./remote-interpreter.js');
    return attachToKernel(options.existing);
  }
  const [{ Engine }, { Session }] = await Promise.all([import('../src/engine/engine.js'), import('../src/session/session.js')]);
  return new Engine({ session: new Session(process.cwd()) });
}

async function interactive(interpreter: Interpreter): Promise<number> {
  const [{ render }, { createElement }, { ReplApp }, { HistoryNavigator }, { sharedHistory }] = await Promise.all([
    import('ink'),
    import('react'),
    import('./app.js'),
    import('./history-navigator.js'),
    import('../src/history/kernel-history.js'),
  ]);
  const store = sharedHistory();
  const navigator = new HistoryNavigator(store.tail(1000).map(([, , source]) => source));
  const banner = `datakernel ${KERNEL_VERSION} — TypeScript REPL on Node ${process.version}. %lsmagic lists magics; Tab completes; Ctrl-R searches history; Ctrl-C interrupts; Ctrl-D quits.`;
  const app = render(
    createElement(ReplApp, {
      interpreter,
      history: navigator,
      record: (source: string, count: number) => store.record(count, source),
      banner,
      columns: process.stdout.columns || 100,
    }),
    { exitOnCtrlC: false, patchConsole: false },
  );
  await app.waitUntilExit();
  return 0;
}

/**
 * `datakernel repl`: the interactive REPL on a terminal; without one (a pipe, a file, or -e) it runs the input
 * with no UI and exits non-zero on the first error, for shell pipelines.
 */
export async function runRepl(options: ReplOptions): Promise<number> {
  const interpreter = await openInterpreter(options);
  try {
    if (options.eval !== undefined || !process.stdin.isTTY) {
      const { runScript, splitInputs } = await import('./script-runner.js');
      const inputs = options.eval !== undefined ? [options.eval] : await splitInputs(await text(process.stdin), interpreter);
      return await runScript(interpreter, inputs);
    }
    return await interactive(interpreter);
  } finally {
    await interpreter.shutdown();
  }
}
