import { inspect } from 'node:util';
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import { DataKernelError, InterruptedError } from '../errors.js';
import type { ErrorInfo } from './interpreter.js';
import { CellSyntaxError } from './transpile.js';

/** A cell's source maps as JSON: the script that ran back to the transpiled JS, and that back to the cell. */
export interface CellMapTexts {
  rewrite: string;
  /** Absent when the cell ran as written. */
  transpile?: string;
}

interface CellMaps {
  source: string;
  maps: () => { rewrite: TraceMap; transpile?: TraceMap };
}

/**
 * Source maps of every cell run so far, so errors thrown later (callbacks) still point into their cell. A cell's
 * maps are made again from its source on its first error only: a profile of `1 + 1` put making them at a tenth
 * of the cell's CPU, and keeping them (or what makes them) cost 1.5 KB a cell for the session's life.
 */
export class CellRegistry {
  private readonly cells = new Map<string, CellMaps>();

  add(filename: string, source: string, makeMaps: () => CellMapTexts): void {
    let decoded: ReturnType<CellMaps['maps']> | undefined;
    const maps = () => {
      if (decoded) return decoded;
      const texts = makeMaps();
      return (decoded = { rewrite: new TraceMap(texts.rewrite), transpile: texts.transpile === undefined ? undefined : new TraceMap(texts.transpile) });
    };
    this.cells.set(filename, { source, maps });
  }

  has(filename: string): boolean {
    return this.cells.has(filename);
  }

  /** Line and column (1-based line, 0-based column) in the cell as written, when the position is in cell code. */
  locate(filename: string, line: number, column: number): { line: number; column: number; text: string } | undefined {
    const cell = this.cells.get(filename);
    if (!cell) return undefined;
    const maps = cell.maps();
    const js = originalPositionFor(maps.rewrite, { line, column });
    if (js.line === null) return undefined;
    const ts = maps.transpile ? originalPositionFor(maps.transpile, { line: js.line, column: js.column ?? 0 }) : js;
    if (ts.line === null) return undefined;
    return { line: ts.line, column: ts.column ?? 0, text: cell.source.split('\n')[ts.line - 1] ?? '' };
  }
}

const FRAME = /^\s*at (?:(.*?) \()?(cell\[[\w.]+\]):(\d+):(\d+)\)?$/;
// Frames inside the engine and Node's internals say nothing about the user's code.
const INTERNAL = /^\s*at eval \(<anonymous>\)$|\/(dist\/)?src\/display\/output\.|\(node:internal|^\s*at node:internal|\/src\/engine\/|\/dist\/src\/engine\/|\(node:vm|node:async_hooks|^\s*at new Promise \(<anonymous>\)$/;

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
