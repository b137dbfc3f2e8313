import { writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { outsideCells } from '../display/output.js';
import { describeError, DataKernelError } from '../errors.js';
import { stripAnsi } from './ansi.js';
import { junitXml } from './junit.js';
import { readNotebook, type NotebookOutput } from './notebook.js';
import { collectParameters } from './parameters.js';
import { RunReporter, type RunnerStreams } from './reporter.js';
import { runNotebook, type NotebookKernel } from './run-notebook.js';
import { makeDirectory } from '../fs/make-directory.js';

/** The options of `datakernel run`, as commander parses them. */
export interface RunCommandOptions {
  /** `-p NAME VALUE` pairs, flattened. */
  parameters?: string[];
  /** `-r NAME VALUE` pairs, flattened. */
  raw?: string[];
  /** `-y YAML` strings. */
  yaml?: string[];
  /** `-f FILE` paths. */
  parametersFile?: string[];
  cwd?: string;
  /** Seconds per cell. */
  timeout?: number;
  /** Seconds a Jupyter kernel gets to start. @default 60 */
  startTimeout?: number;
  allowErrors?: boolean;
  logOutput?: boolean;
  junit?: string;
  /** A Jupyter kernelspec name: run over the Jupyter protocol instead of in-process. */
  kernel?: string;
}

/** A kernel the command owns for the run. */
export type OwnedKernel = NotebookKernel & { shutdown(): Promise<void>; interrupt(): void };

/** Creates the in-process kernel for a project folder (the CLI passes the engine in; the runner never imports it). */
export type LocalKernelFactory = (projectDir: string) => Promise<OwnedKernel>;

/** This process's stdout/stderr, written from outside any cell so the engine's output capture never takes them. */
export function terminalStreams(): RunnerStreams {
  const ci = Boolean(process.env.CI) && process.env.CI !== 'false';
  return {
    out: (text) => outsideCells(() => process.stdout.write(text)),
    err: (text) => outsideCells(() => process.stderr.write(text)),
    interactive: Boolean(process.stdout.isTTY) && !ci,
    columns: process.stdout.columns,
  };
}

const TYPESCRIPT = new Set(['', 'typescript', 'ts', 'javascript', 'js']);

function pairs(flat: string[] | undefined, flag: string): Array<[string, string]> {
  if (!flat?.length) return [];
  if (flat.length % 2) {
    throw new DataKernelError(`${flag} takes a NAME and a VALUE`, `Write ${flag} NAME VALUE once per parameter, quote values with spaces, and put OUT before the options.`);
  }
  return Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]);
}

function outputText(output: NotebookOutput): string {
  switch (output.output_type) {
    case 'stream':
      return output.text;
    case 'error':
      return `${output.traceback.join('\n')}\n`;
    default: {
      const text = output.data['text/plain'];
      return text === undefined ? `<${Object.keys(output.data).join(', ')}>\n` : `${Array.isArray(text) ? text.join('') : String(text)}\n`;
    }
  }
}

async function startKernel(name: string, options: RunCommandOptions, cwd: string): Promise<{ kernel: OwnedKernel; language: string }> {
  // Loaded only here: ZeroMQ stays out of in-process runs.
  const { findKernelSpec, RemoteKernel } = await import('../client/index.js');
  const spec = findKernelSpec(name);
  const kernel = await RemoteKernel.launch(spec, { cwd, startTimeoutMs: (options.startTimeout ?? 60) * 1000, allowStdin: false });
  return { kernel, language: spec.language || kernel.language };
}

/**
 * `datakernel run IN [OUT]`: executes a notebook with parameters, in-process or on a Jupyter kernel, and returns
 * the exit status: 0 ok, 1 a cell failed, 2 the run could not start (bad arguments, notebook or kernel).
 */
export async function runNotebookCommand(input: string, output: string | undefined, options: RunCommandOptions, createLocal: LocalKernelFactory, streams: RunnerStreams): Promise<number> {
  try {
    return await run(input, output, options, createLocal, streams);
  } catch (error) {
    streams.err(`Error: ${describeError(error)}\n`);
    return 2;
  }
}

async function run(input: string, output: string | undefined, options: RunCommandOptions, createLocal: LocalKernelFactory, streams: RunnerStreams): Promise<number> {
  // Every path is resolved before --cwd changes the working directory.
  const inputPath = resolve(input);
  const outputPath = output ? resolve(output) : undefined;
  const junitPath = options.junit ? resolve(options.junit) : undefined;
  const cwd = resolve(options.cwd ?? '.');
  for (const [flag, value] of [['--timeout', options.timeout], ['--start-timeout', options.startTimeout]] as const) {
    if (value !== undefined && !(value > 0)) throw new DataKernelError(`${flag} must be a number of seconds above 0`, `For example ${flag} 600.`);
  }
  const parameters = collectParameters({
    files: options.parametersFile?.map((file) => resolve(file)),
    yaml: options.yaml,
    raw: pairs(options.raw, '-r'),
    typed: pairs(options.parameters, '-p'),
  });
  const notebook = readNotebook(inputPath);
  if (outputPath) makeDirectory(dirname(outputPath));

  const notebookSpec = notebook.metadata.kernelspec as { name?: string; language?: string } | undefined;
  // Like papermill: a notebook saved with another language's kernel runs on that kernel unless told otherwise.
  const kernelName = options.kernel ?? (notebookSpec?.name && !TYPESCRIPT.has(String(notebookSpec.language ?? '').toLowerCase()) ? notebookSpec.name : undefined);
  let kernel: OwnedKernel;
  let language = 'typescript';
  if (kernelName) ({ kernel, language } = await startKernel(kernelName, options, cwd));
  else {
    process.chdir(cwd);
    kernel = await createLocal(cwd);
  }
  const interrupt = () => kernel.interrupt();
  if (kernelName) process.on('SIGINT', interrupt);

  const reporter = new RunReporter(streams, basename(inputPath));
  let result;
  try {
    result = await runNotebook({
      kernel,
      notebook,
      outputPath,
      parameters,
      language,
      timeoutMs: options.timeout === undefined ? undefined : options.timeout * 1000,
      allowErrors: options.allowErrors,
      reporter,
      onOutput: options.logOutput ? (_, o) => reporter.log(outputText(o)) : undefined,
    });
  } finally {
    process.off('SIGINT', interrupt);
    await kernel.shutdown().catch((error) => streams.err(`Warning: the kernel did not shut down cleanly: ${describeError(error)}\n`));
  }

  if (junitPath) {
    makeDirectory(dirname(junitPath));
    writeFileSync(junitPath, junitXml(basename(inputPath), result.cells, new Date()));
  }
  const failures = result.cells.filter((cell) => cell.status === 'failed');
  const show = streams.interactive ? (text: string) => text : stripAnsi;
  for (const cell of failures) {
    const failure = cell.failure!;
    const traceback = failure.traceback.length ? `--- traceback\n${show(failure.traceback.join('\n')).trimEnd()}\n` : '';
    reporter.log(`\nCell ${cell.number} failed: ${show(failure.reason)}\n--- source of cell ${cell.number}\n${cell.source.trimEnd()}\n${traceback}\n`);
  }
  const saved = outputPath ? `; executed notebook: ${outputPath}` : '';
  reporter.finish(failures.length ? `${failures.length} of ${result.cells.length} cells failed${saved}` : `All ${result.cells.length} cells ran${saved}`);
  const fatal = failures.some((cell) => cell.failure!.ename === 'KernelDied') || (failures.length > 0 && !options.allowErrors);
  return fatal ? 1 : 0;
}
