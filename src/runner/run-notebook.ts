import type { Interpreter } from '../engine/interpreter.js';
import { KernelDiedError } from '../client/kernel-died-error.js';
import { describeError } from '../errors.js';
import { CellOutput, type DisplayIndex } from './cell-output.js';
import { hasTag, newCell, sourceText, writeNotebook, type Notebook, type NotebookCell, type NotebookOutput } from './notebook.js';
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

function firstLine(source: string): string {
  return (source.split('\n').find((line) => line.trim()) ?? '').trim().slice(0, 80);
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
    name: `cell ${String(i + 1).padStart(width, '0')}: ${firstLine(sourceText(cell))}`,
    source: sourceText(cell),
    status: 'skipped',
    seconds: 0,
  }));
  const displays: DisplayIndex = new Map();
  let executionCount = 0;
  let allowErrors = options.allowErrors ?? false;
  const runStarted = new Date();
  notebook.metadata.datakernel = { parameters: options.parameters ?? {}, start_time: runStarted.toISOString() };
  let failed: CellResult | undefined;
  let failedCell: NotebookCell | undefined;
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
    const finish = (failure?: CellFailure) => {
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
    };
    // A cell that ends the runner's own process (process.exit in-process) still leaves a marked notebook.
    const onExit = (code: number) => {
      const reason = `cell ${result.number} ended the process (exit code ${code})`;
      output.error('ProcessExit', reason, [reason]);
      finish({ reason, ename: 'ProcessExit', evalue: reason, traceback: [] });
      markFailure(notebook, cell, result);
      save();
      reporter?.log(`\n${reason}; the notebook so far is saved${outputPath ? ` in ${outputPath}` : ''}\n`);
    };
    process.once('exit', onExit);
    // A cell awaiting something that holds no handle (a bare never-settling promise) would otherwise let Node
    // exit mid-run; the timeout's timer lives on a watcher thread and cannot hold this loop open.
    const keepAlive = setInterval(() => undefined, 60_000);
    let failure: CellFailure | undefined;
    try {
      const outcome = await kernel.execute({ code: result.source, executionCount, timeoutMs: options.timeoutMs }, output);
      if (outcome.status === 'ok') {
        if (outcome.result) output.result(outcome.result, executionCount);
      } else {
        const { ename, evalue, traceback } = outcome.error;
        output.error(ename, evalue, traceback);
        const elapsedMs = Date.now() - started.getTime();
        const timedOut = options.timeoutMs !== undefined && elapsedMs >= options.timeoutMs - 50;
        const reason = timedOut ? `cell ${result.number} timed out after ${options.timeoutMs! / 1000}s` : `cell ${result.number} raised ${ename}: ${evalue}`;
        failure = { reason, ename: timedOut ? 'Timeout' : ename, evalue, traceback };
      }
    } catch (error) {
      const died = error instanceof KernelDiedError;
      const message = describeError(error);
      const reason = died ? `kernel died while running cell ${result.number}: ${message}` : `cell ${result.number} could not run: ${message}`;
      output.error(died ? 'KernelDied' : 'RunnerError', reason, [reason]);
      failure = { reason, ename: died ? 'KernelDied' : 'RunnerError', evalue: message, traceback: [] };
      // Nothing more can run on a dead kernel.
      if (died) allowErrors = false;
    } finally {
      clearInterval(keepAlive);
      process.off('exit', onExit);
    }
    finish(failure);
    reporter?.cellFinished(result.number, !failure, result.seconds);
    if (failure && !failed) {
      failed = result;
      failedCell = cell;
    }
    if (failure && !allowErrors) break;
    save();
  }

  if (failed && !allowErrors) markFailure(notebook, failedCell!, failed);
  notebook.metadata.datakernel = {
    ...notebook.metadata.datakernel,
    end_time: new Date().toISOString(),
    duration: (Date.now() - runStarted.getTime()) / 1000,
    exception: Boolean(failed),
  };
  save();
  return { ok: !failed, cells: results, failed, warnings };
}
