import { spawn } from 'node:child_process';
import { clearOutput, display, input } from '../display/display-api.js';
import { format } from '../display/format.js';
import { isDisplayable, type MimeBundle } from '../display/mime.js';
import { currentOutput, runWithOutput, type OutputSink } from '../display/output.js';
import { DataKernelError, InterruptedError } from '../errors.js';
import { helpText } from '../magics/args.js';
import { invokeMagic } from '../magics/invoke.js';
import { isMagicName, loadMagic, magicNames } from '../magics/registry.js';
import { Session, setCurrentSession } from '../session/session.js';
import { CELL_RUNTIME, expandLineCommands, parseCellMagic, wrapObjectLiteral } from './cell-source.js';
import { complete } from './complete.js';
import { captureConsole } from './console-capture.js';
import { inspectAt } from './inspect.js';
import type { Completion, Completeness, ExecuteOutcome, ExecuteRequest, Inspection, Interpreter } from './interpreter.js';
import { Interrupter } from './interrupt.js';
import { isComplete } from './is-complete.js';
import { magicContext } from './magic-context.js';
import { importForCell, requireForCell } from './modules.js';
import { rewriteCell } from './rewrite.js';
import { CellRegistry, errorInfo, type CellMapTexts } from './traceback.js';
import { transpile } from './transpile.js';

export interface EngineOptions {
  /** Shared services (DuckDB, connections, catalog); a new one for the current folder by default. */
  session?: Session;
}

const scope = globalThis as unknown as Record<string, unknown>;
const globalEval = globalThis.eval;

function defineHidden(name: string, value: unknown): void {
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
}

/**
 * The TypeScript engine: runs cells in this process's global scope (so values keep their identity with
 * the libraries they come from), with magics, display, completion and interrupts. One per process.
 */
export class Engine implements Interpreter {
  readonly session: Session;
  private readonly interrupter = new Interrupter();
  private readonly cells = new CellRegistry();
  private lastCellName = { base: '', suffix: 0 };
  private readonly declared = new Set<string>();
  private readonly builtinGlobals = new Set(Object.getOwnPropertyNames(globalThis));
  private executionCount = 0;
  private lastOutput: OutputSink | undefined;
  private nextInput: string | undefined;
  /** Help asked for by the running cell, when its front end pages it (undefined: it is displayed). */
  private page: MimeBundle[] | undefined;
  private cellSource = '';
  private restoreExit: () => void = () => undefined;

  constructor(options: EngineOptions = {}) {
    this.session = options.session ?? new Session();
    setCurrentSession(this.session);
    this.session.setInterruptCheck(this.interrupter.check);
    captureConsole();
    this.installGlobals();
    this.guardExit();
    process.on('unhandledRejection', (reason) => this.reportAsync('Unhandled promise rejection', reason));
    process.on('uncaughtException', (error) => this.reportAsync('Uncaught exception in a callback', error));
  }

  private installGlobals(): void {
    defineHidden(CELL_RUNTIME.import, (specifier: string) => importForCell(specifier, process.cwd()));
    defineHidden(CELL_RUNTIME.tick, this.interrupter.check);
    defineHidden(CELL_RUNTIME.magic, (name: string, line: string) => invokeMagic(name, line, undefined, this.magicContext()));
    defineHidden(CELL_RUNTIME.shell, (command: string) => this.shell(command));
    defineHidden(CELL_RUNTIME.help, (name: string) => this.help(name));
    Object.defineProperty(globalThis, 'require', {
      get: () => requireForCell(process.cwd()),
      configurable: true,
      enumerable: false,
    });
    Object.assign(globalThis, { display, clearOutput, input });
  }

  /**
   * process.exit() from a cell (or its timers and callbacks) would end the kernel and lose every variable: it
   * throws in the cell instead, as IPython turns sys.exit() into an error. Exits outside cells go through.
   */
  private guardExit(): void {
    const exit = process.exit;
    const guarded = ((code?: number | string | null) => {
      if (!this.interrupter.inCell()) return exit.call(process, code as number | undefined);
      throw new DataKernelError(
        `process.exit(${code ?? ''}) would end the kernel and lose its state, so the cell stops here instead`,
        'For a fresh state restart the kernel from the front end (Kernel > Restart); in the REPL, .exit or Ctrl-D leaves.',
      );
    }) as typeof process.exit;
    process.exit = guarded;
    this.restoreExit = () => {
      if (process.exit === guarded) process.exit = exit;
    };
  }

  private magicContext() {
    const output = currentOutput() ?? this.lastOutput;
    if (!output) throw new Error('magics run inside a cell');
    return magicContext({
      session: this.session,
      output,
      cellSource: this.cellSource,
      evaluate: (code) => this.evaluate(code),
      userVariables: () => this.userVariables(),
      setNextInput: (text) => (this.nextInput = text),
      declare: (name) => this.declared.add(name),
    });
  }

  /** Names the user defined, in definition order. */
  userVariables(): string[] {
    const names = new Set([...this.declared, ...Object.keys(globalThis).filter((n) => !this.builtinGlobals.has(n))]);
    return [...names].filter((n) => Object.hasOwn(globalThis, n) && !['display', 'clearOutput', 'input'].includes(n));
  }

  /** Runs source (TypeScript, magics) and returns its value; throws what the code throws. */
  async evaluate(source: string): Promise<unknown> {
    const cellMagic = parseCellMagic(source);
    if (cellMagic) return invokeMagic(cellMagic.name, cellMagic.line, cellMagic.body, this.magicContext());
    const filename = this.cellName();
    const { js, program } = transpile(prepareCell(source), filename);
    const rewritten = rewriteCell(js, program);
    rewritten.declared.forEach((name) => this.declared.add(name));
    this.cells.add(filename, source, () => cellMaps(source, filename));
    // Indirect eval, not vm.Script: V8 keeps every vm.Script's compiled script for the isolate's life
    // (1.1 KB a cell), while eval's code is collected; sourceURL still names the cell in stacks.
    return await (globalEval(`${rewritten.code}\n//# sourceURL=${filename}`) as Promise<unknown>);
  }

  /**
   * Tracebacks name cells as the front end numbers them (In [5] is cell[5]); code a magic evaluates inside
   * it, or a count seen before (silent runs), becomes cell[5.1], cell[5.2]...
   */
  private cellName(): string {
    const base = `cell[${this.executionCount}]`;
    // Where the last name of this count left off: silent runs repeat one count thousands of times, and
    // probing every suffix from 1 made each such cell slower than the one before.
    if (this.lastCellName.base !== base) this.lastCellName = { base, suffix: 0 };
    let name: string;
    do {
      const suffix = this.lastCellName.suffix++;
      name = suffix === 0 ? base : `cell[${this.executionCount}.${suffix}]`;
    } while (this.cells.has(name));
    return name;
  }

  async execute(request: ExecuteRequest, output: OutputSink): Promise<ExecuteOutcome> {
    this.executionCount = request.executionCount;
    this.lastOutput = output;
    this.nextInput = undefined;
    this.page = request.pager ? [] : undefined;
    this.cellSource = request.code;
    return runWithOutput(output, async () => {
      try {
        const value = await this.interrupter.guard(() => this.evaluate(request.code), request.timeoutMs);
        if (value !== undefined && !request.silent) this.rememberResult(value);
        const result = value === undefined || request.silent ? undefined : await this.resultBundle(value);
        return { status: 'ok', result, nextInput: this.nextInput, page: this.page?.length ? joinPages(this.page) : undefined };
      } catch (error) {
        if (error instanceof InterruptedError) this.session.interrupt();
        return { status: 'error', error: errorInfo(error, this.cells) };
      }
    });
  }

  /**
   * `_` is the last result, as in IPython and Node's REPL (magics such as %plot chart it by default); a `_` the
   * user declared (lodash) stays theirs.
   */
  private rememberResult(value: unknown): void {
    if (!this.declared.has('_')) defineHidden('_', value);
  }

  /** An Error shown as a value gets the same cell-mapped stack as a thrown one, not the engine's frames. */
  private async resultBundle(value: unknown) {
    if (value instanceof Error && !isDisplayable(value)) return { 'text/plain': errorInfo(value, this.cells).traceback.join('\n') };
    return await format(value);
  }

  private reportAsync(what: string, error: unknown): void {
    const output = currentOutput() ?? this.lastOutput;
    const info = errorInfo(error, this.cells);
    const text = `${what}:\n${info.traceback.join('\n')}\n`;
    if (output) output.stream('stderr', text);
    else process.stderr.write(text);
  }

  private async shell(command: string): Promise<void> {
    const output = currentOutput();
    await new Promise<void>((resolve) => {
      const child = spawn(command, { shell: true, cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', (chunk: Buffer) => output?.stream('stdout', chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => output?.stream('stderr', chunk.toString('utf8')));
      child.on('error', (error) => {
        output?.stream('stderr', `${error.message}\n`);
        resolve();
      });
      child.on('close', () => resolve());
    });
  }

  private async magicHelp(name: string): Promise<string | undefined> {
    return isMagicName(name) ? helpText(await loadMagic(name)) : undefined;
  }

  private async help(name: string): Promise<unknown> {
    const magic = await this.magicHelp(name.replace(/^%+/, ''));
    const found = magic !== undefined && name.startsWith('%') ? { found: true, data: { 'text/plain': magic } } : await this.inspect(name, name.length, 1);
    const data = found.found ? found.data : { 'text/plain': `Object \`${name}\` not found.` };
    if (this.page) this.page.push(data);
    else await display(data, { raw: true });
    return undefined;
  }

  async complete(code: string, cursor: number): Promise<Completion> {
    return complete(code, cursor, { scope, magicNames: magicNames() });
  }

  async inspect(code: string, cursor: number, detailLevel: 0 | 1): Promise<Inspection> {
    const magic = /%%?([\w-]+)/.exec(code);
    const help = magic && isMagicName(magic[1]) ? await this.magicHelp(magic[1]) : undefined;
    return inspectAt(code, cursor, detailLevel, scope, () => help);
  }

  isComplete(code: string): Completeness {
    return isComplete(code);
  }

  interrupt(): void {
    this.interrupter.interrupt();
  }

  async shutdown(): Promise<void> {
    this.restoreExit();
    await this.session.close();
    await this.interrupter.close();
  }
}

/** The cell with its magic, shell and help lines made calls, and a lone object literal made an expression. */
function prepareCell(source: string): string {
  return wrapObjectLiteral(expandLineCommands(source));
}

/** A cell's maps, from compiling it again as evaluate did (the same input compiles the same way). */
function cellMaps(source: string, filename: string): CellMapTexts {
  const { js, map, program } = transpile(prepareCell(source), filename);
  return { rewrite: rewriteCell(js, program).map(), transpile: map };
}

/** Several help lines in one cell page one after the other, as IPython's pager shows them. */
function joinPages(pages: MimeBundle[]): MimeBundle {
  if (pages.length === 1) return pages[0];
  return { 'text/plain': pages.map((page) => String(page['text/plain'] ?? '')).join('\n\n') };
}
