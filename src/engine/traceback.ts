import { inspect } from 'node:util';
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import { DataKernelError, InterruptedError } from '../errors.js';
import type { ErrorInfo } from './interpreter.js';
import { CellSyntaxError } from './transpile.js';

interface CellMaps {
  source: string;
  /** Maps the script that ran back to the transpiled JS. */
  rewrite: () => TraceMap;
  /** Maps the transpiled JS back to the cell as written; absent when the cell ran as written. */
  transpile?: () => TraceMap;
}

// A cell's maps are decoded (and the rewrite's generated) on its first error only: a profile of `1 + 1` put
// generating and parsing them at a tenth of the cell's CPU.
const once = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};

/** Source maps of every cell run so far, so errors thrown later (callbacks) still point into their cell. */
export class CellRegistry {
  private readonly cells = new Map<string, CellMaps>();

  add(filename: string, source: string, rewriteMap: () => string, transpileMap: string | undefined): void {
    this.cells.set(filename, { source, rewrite: once(() => new TraceMap(rewriteMap())), transpile: transpileMap === undefined ? undefined : once(() => new TraceMap(transpileMap)) });
  }

  has(filename: string): boolean {
    return this.cells.has(filename);
  }

  /** Line and column (1-based line, 0-based column) in the cell as written, when the position is in cell code. */
  locate(filename: string, line: number, column: number): { line: number; column: number; text: string } | undefined {
    const cell = this.cells.get(filename);
    if (!cell) return undefined;
    const js = originalPositionFor(cell.rewrite(), { line, column });
    if (js.line === null) return undefined;
    const ts = cell.transpile ? originalPositionFor(cell.transpile(), { line: js.line, column: js.column ?? 0 }) : js;
    if (ts.line === null) return undefined;
    return { line: ts.line, column: ts.column ?? 0, text: cell.source.split('\n')[ts.line - 1] ?? '' };
  }
}

const FRAME = /^\s*at (?:(.*?) \()?(cell\[[\w.]+\]):(\d+):(\d+)\)?$/;
// Frames inside the engine and Node's internals say nothing about the user's code.
const INTERNAL = /\/(dist\/)?src\/display\/output\.|\(node:internal|^\s*at node:internal|\/src\/engine\/|\/dist\/src\/engine\/|\(node:vm|node:async_hooks|^\s*at new Promise \(<anonymous>\)$/;

function snippet(line: number, column: number, text: string): string[] {
  const gutter = `${line} | `;
  return [`${gutter}${text}`, `${' '.repeat(gutter.length + column)}^`];
}

/** ErrorInfo for anything a cell threw: message and hint for user errors, a stack mapped into the cells otherwise. */
export function errorInfo(error: unknown, cells: CellRegistry): ErrorInfo {
  if (error instanceof InterruptedError || (error as { code?: string })?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') {
    return { ename: 'KeyboardInterrupt', evalue: 'Execution interrupted', traceback: ['KeyboardInterrupt: Execution interrupted'] };
  }
  if (error instanceof CellSyntaxError) {
    return {
      ename: 'SyntaxError',
      evalue: error.message,
      traceback: [`SyntaxError: ${error.message} (line ${error.line})`, ...snippet(error.line, error.column, error.lineText)],
    };
  }
  if (error instanceof DataKernelError) {
    return {
      ename: error.name,
      evalue: error.message,
      traceback: [`${error.name}: ${error.message}`, ...(error.hint ? [`Hint: ${error.hint}`] : [])],
    };
  }
  if (!(error instanceof Error) && !(error && typeof error === 'object' && 'stack' in error)) {
    // inspect, not String or JSON: objects would show as [object Object], and BigInts or cycles make JSON throw.
    const text = typeof error === 'string' ? error : inspect(error, { depth: 4, breakLength: Infinity });
    return { ename: 'Uncaught', evalue: text, traceback: [`Uncaught ${typeof error === 'string' ? JSON.stringify(error) : text}`] };
  }
  const err = error as Error;
  const ename = err.name || err.constructor?.name || 'Error';
  const evalue = err.message ?? '';
  const lines = [`${ename}: ${evalue}`];
  let located = false;
  for (const frame of String(err.stack ?? '').split('\n').slice(1)) {
    const match = FRAME.exec(frame);
    if (match) {
      const [, fn, filename, line, column] = match;
      const at = cells.locate(filename, Number(line), Number(column) - 1);
      if (!at) continue;
      lines.push(`    at ${fn && fn !== 'eval' && !fn.startsWith('async ') ? `${fn} ` : ''}(${filename}:${at.line}:${at.column + 1})`);
      if (!located) {
        located = true;
        lines.push(...snippet(at.line, at.column, at.text).map((l) => `      ${l}`));
      }
    } else if (/^\s*at /.test(frame) && !INTERNAL.test(frame)) {
      lines.push(frame);
    }
  }
  return { ename, evalue, traceback: lines };
}
