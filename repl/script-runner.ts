import type { Interpreter } from '../src/engine/interpreter.js';
import { outsideCells } from '../src/display/output.js';
import { TerminalSink, terminalText, type TerminalView } from './terminal-sink.js';

/**
 * Splits a script into the inputs a person would have typed at the prompt: a line ends an input when the
 * engine calls the code so far complete; a cell magic (%%) runs until a blank line, as at the prompt.
 */
export async function splitInputs(script: string, interpreter: Pick<Interpreter, 'isComplete'>): Promise<string[]> {
  const inputs: string[] = [];
  let pending: string[] = [];
  for (const line of script.split('\n')) {
    pending.push(line);
    const code = pending.join('\n');
    if (!code.trim()) {
      pending = [];
      continue;
    }
    const isCellMagic = /^\s*%%/.test(code);
    const ended = isCellMagic ? !line.trim() : (await interpreter.isComplete(code)).status !== 'incomplete';
    if (ended) {
      inputs.push(code.trimEnd());
      pending = [];
    }
  }
  const rest = pending.join('\n');
  if (rest.trim()) inputs.push(rest.trimEnd());
  return inputs;
}

const write = (stream: NodeJS.WriteStream, text: string) => outsideCells(() => stream.write(text.endsWith('\n') ? text : `${text}\n`));

/** Output for pipelines: plain lines, progress shown once in its final state, no prompts. */
const pipeView: TerminalView = {
  print: (text, kind) => write(kind === 'stderr' || kind === 'error' ? process.stderr : process.stdout, text),
  live: () => undefined,
  ask: async (prompt) => {
    throw new Error(`input("${prompt}") needs a terminal; the script reads its own stdin`);
  },
};

/**
 * Runs inputs one after the other without the UI (stdin not a terminal, or -e); stops at the first error.
 * Returns the process exit code.
 */
export async function runScript(interpreter: Interpreter, inputs: string[], view: TerminalView = pipeView): Promise<number> {
  let count = 0;
  for (const code of inputs) {
    const sink = new TerminalSink(view, process.stdout.columns || 120);
    const outcome = await interpreter.execute({ code, executionCount: ++count }, sink);
    sink.finish();
    if (outcome.status === 'error') {
      view.print(outcome.error.traceback.join('\n'), 'error');
      return 1;
    }
    if (outcome.result) view.print(terminalText(outcome.result), 'result');
  }
  return 0;
}
