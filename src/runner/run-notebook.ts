// Type only: the runner depends on the Interpreter contract, never on the engine's code (kernel/cli.ts passes an Engine in).
import type { Interpreter } from '../engine/interpreter.js';
import { KernelDiedError } from '../client/kernel-died-error.js';
import { describeError } from '../errors.js';
import { CellOutput, type DisplayIndex } from './cell-output.js';
import { firstLine, hasTag, newCell, sourceText, writeNotebook, type Notebook, type NotebookCell, type NotebookOutput } from './notebook.js';
import { injectParameters, parametersSource, type Parameters } from './parameters.js';
import type { RunReporter } from './reporter.js';

/** What the runner needs of a kernel: the in-process engine, or a RemoteKernel over ZeroMQ. */
export type NotebookKernel = Pick<Interpreter, 'execute'>;

export interface RunOptions {
  kernel: NotebookKernel;
  /** The notebook to execute; it is changed in place into the executed notebook. */
  notebook: Notebook;
  /** Written after every cell, so a crash leaves the cells run so far. */
  outputPath?: string;
  /** Injected after the cell tagged `parameters`, in `language`. */
  parameters?: Parameters;
  /** The kernel's language, for the injected cell. @default "typescript" */
  language?: string;
  /** Per-cell limit; the cell is interrupted and the run fails. */
  timeoutMs?: number;
  /** Keep running after a failing cell (the run still reports it). @default false */
  allowErrors?: boolean;
  reporter?: RunReporter;
  /** Each output of a cell as it arrives (`--log-output`). */
  onOutput?: (cellNumber: number, output: NotebookOutput) => void;
}

/** Why a cell failed: the reason in one line, and the error as the kernel reported it. */
export interface CellFailure {
  reason: string;
  ename: string;
  evalue: string;
  traceback: string[];
}

/** One code cell's outcome, in notebook order. */
export interface CellResult {
  /** 1-based among code cells. */
  number: number;
  name: string;
  source: string;
  status: 'passed' | 'failed' | 'skipped';
  seconds: number;
  failure?: CellFailure;
}

export interface RunResult {
  ok: boolean;
  cells: CellResult[];
  /** The first failing cell. */
  failed?: CellResult;
  warnings: string[];
}

const ERROR_TAG = 'datakernel-error';

/** Prepares a notebook for a fresh run: outputs, counts and the marks of an earlier run removed. */
function reset(notebook: Notebook): void {
  notebook.cells = notebook.cells.filter((cell) => !hasTag(cell, ERROR_TAG));
  for (const cell of notebook.cells) {
    if (cell.cell_type !== 'code') continue;
    cell.outputs = [];
    cell.execution_count = null;
    delete cell.metadata.datakernel;
  }
}

/** Marks the failed run the way papermill does: a banner at the top linking to a banner above the failing cell. */
function markFailure(notebook: Notebook, cell: NotebookCell, result: CellResult): void {
  const style = 'color:red; font-family:Helvetica Neue, Helvetica, Arial, sans-serif; font-size:2em;';
  const reason = result.failure!.reason.replace(/</g, '&lt;');
  const top = newCell(notebook, 'markdown', `<span style="${style}">An exception was encountered at <a href="#datakernel-error-cell">cell ${result.number}</a>.</span>`, [ERROR_TAG]);
  const here = newCell(notebook, 'markdown', `<span id="datakernel-error-cell" style="${style}">datakernel run stopped here: ${reason}</span>`, [ERROR_TAG]);
  notebook.cells.splice(notebook.cells.indexOf(cell), 0, here);
  notebook.cells.unshift(top);
}

/** Runs one cell on the kernel; returns why it failed, if it did. */
async function executeCell(kernel: NotebookKernel, result: CellResult, executionCount: number, output: CellOutput, timeoutMs: number | undefined): Promise<CellFailure | undefined> {
  const started = Date.now();
  // A cell awaiting something that holds no handle (a bare never-settling promise) would otherwise let Node
  // exit mid-run; the timeout's timer lives on a watcher thread and cannot hold this loop open.
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    const outcome = await kernel.execute({ code: result.source, executionCount, timeoutMs }, output);
    if (outcome.status === 'ok') {
      if (outcome.result) output.result(outcome.result, executionCount);
      return undefined;
    }
    const { ename, evalue, traceback } = outcome.error;
    output.error(ename, evalue, traceback);
    const timedOut = timeoutMs !== undefined && Date.now() - started >= timeoutMs - 50;
    if (timedOut) return { reason: `cell ${result.number} timed out after ${timeoutMs / 1000}s`, ename: 'Timeout', evalue, traceback };
    return { reason: `cell ${result.number} raised ${ename}: ${evalue}`, ename, evalue, traceback };
  } catch (error) {
    const died = error instanceof KernelDiedError;
    const message = describeError(error);
    const reason = died ? `kernel died while running cell ${result.number}: ${message}` : `cell ${result.number} could not run: ${message}`;
    output.error(died ? 'KernelDied' : 'RunnerError', reason, [reason]);
    return { reason, ename: died ? 'KernelDied' : 'RunnerError', evalue: message, traceback: [] };
  } finally {
    clearInterval(keepAlive);
  }
}

/** Records a cell's outcome in its result and in the cell's metadata (as papermill does under `papermill`). */
function record(cell: NotebookCell, result: CellResult, started: Date, failure: CellFailure | undefined): void {
  result.seconds = (Date.now() - started.getTime()) / 1000;
  result.status = failure ? 'failed' : 'passed';
  result.failure = failure;
  cell.metadata.datakernel = {
    status: failure ? 'failed' : 'completed',
    exception: Boolean(failure),
    start_time: started.toISOString(),
    end_time: new Date().toISOString(),
    duration: result.seconds,
  };
}

/**
 * Executes every code cell of a notebook in order, writing outputs and execution counts into it (and to
 * `outputPath` after each cell); stops at the first failing cell unless `allowErrors`.
 */
export async function runNotebook(options: RunOptions): Promise<RunResult> {
  const { notebook, kernel, outputPath, reporter } = options;
  const warnings: string[] = [];
  const save = () => outputPath && writeNotebook(outputPath, notebook);
  reset(notebook);
  if (options.parameters && Object.keys(options.parameters).length) {
    const warning = injectParameters(notebook, parametersSource(options.parameters, options.language ?? 'typescript'));
    if (warning) warnings.push(warning);
  }
  for (const warning of warnings) reporter?.log(`Warning: ${warning}\n`);
  const codeCells = notebook.cells.filter((cell) => cell.cell_type === 'code');
  const width = String(codeCells.length).length;
  reporter?.begin(codeCells.length);
  const results: CellResult[] = codeCells.map((cell, i) => ({
    number: i + 1,
    name: `cell ${String(i + 1).padStart(width, '0')}: ${firstLine(sourceText(cell), 80)}`,
    source: sourceText(cell),
    status: 'skipped',
    seconds: 0,
  }));
  const displays: DisplayIndex = new Map();
  const runStarted = new Date();
  notebook.metadata.datakernel = { parameters: options.parameters ?? {}, start_time: runStarted.toISOString() };
  let executionCount = 0;
  let failed: CellResult | undefined;
  save();

  for (const [i, cell] of codeCells.entries()) {
    const result = results[i];
    if (!result.source.trim()) {
      result.status = 'passed';
      continue;
    }
    reporter?.cellStarted(result.number, result.source);
    const output = new CellOutput(displays, options.onOutput && ((o) => options.onOutput!(result.number, o)));
    cell.outputs = output.outputs;
    cell.execution_count = ++executionCount;
    const started = new Date();
    const failure = await executeCell(kernel, result, executionCount, output, options.timeoutMs);
    record(cell, result, started, failure);
    reporter?.cellFinished(result.number, !failure, result.seconds);
    save();
    if (!failure) continue;
    failed ??= result;
    // Nothing more can run on a dead kernel, errors allowed or not.
    if (!options.allowErrors || failure.ename === 'KernelDied') {
      markFailure(notebook, cell, result);
      break;
    }
  }

  notebook.metadata.datakernel = {
    ...notebook.metadata.datakernel,
    end_time: new Date().toISOString(),
    duration: (Date.now() - runStarted.getTime()) / 1000,
    exception: Boolean(failed),
  };
  save();
  return { ok: !failed, cells: results, failed, warnings };
}
