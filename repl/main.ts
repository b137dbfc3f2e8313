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

const banner = `datakernel ${KERNEL_VERSION} — TypeScript REPL on Node ${process.version}. %lsmagic lists magics; Tab completes; Ctrl-R searches history; Ctrl-C interrupts; Ctrl-D quits.`;

/**
 * The banner and first prompt go out before the engine and the UI load (about a second on a busy machine):
 * in raw mode what the user types waits in stdin until the editor takes over and reads it.
 */
function showEarlyPrompt(): void {
  process.stdin.setRawMode(true);
  process.stdout.write(`${banner}\nIn [1]: `);
}

/**
 * ink and React in their production builds: the development ones take several times longer to load. ink also
 * decides at load time, from CI variables, to draw only a final frame; at a real terminal that would leave no
 * prompt, so those variables are hidden while it loads.
 */
async function loadInk() {
  const loadTime = { NODE_ENV: 'production', CI: undefined, CONTINUOUS_INTEGRATION: undefined };
  const saved = Object.fromEntries(Object.keys(loadTime).map((name) => [name, process.env[name]]));
  const setEnv = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  setEnv(loadTime);
  try {
    const [ink, react] = await Promise.all([import('ink'), import('react')]);
    return { render: ink.render, createElement: react.createElement };
  } finally {
    // Cells see the environment the user started with.
    setEnv(saved);
  }
}

async function interactive(interpreter: Interpreter): Promise<number> {
  const [{ render, createElement }, { ReplApp }, { HistoryNavigator }, { sharedHistory }] = await Promise.all([
    loadInk(),
    import('./app.js'),
    import('./history-navigator.js'),
    import('../src/history/kernel-history.js'),
  ]);
  const store = sharedHistory();
  const navigator = new HistoryNavigator(store.tail(1000).map(([, , source]) => source));
  // The editor draws its own prompt where the early one stands.
  process.stdout.write('\r\x1b[2K');
  const app = render(
    createElement(ReplApp, {
      interpreter,
      history: navigator,
      record: (source: string, count: number) => store.record(count, source),
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
  const scripted = options.eval !== undefined || !process.stdin.isTTY;
  if (!scripted) showEarlyPrompt();
  const interpreter = await openInterpreter(options);
  try {
    if (scripted) {
      const { runScript, splitInputs } = await import('./script-runner.js');
      const inputs = options.eval !== undefined ? [options.eval] : await splitInputs(await text(process.stdin), interpreter);
      return await runScript(interpreter, inputs);
    }
    return await interactive(interpreter);
  } finally {
    await interpreter.shutdown();
  }
}
