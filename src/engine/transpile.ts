import type { Program } from 'acorn';
import { decode, encode } from '@jridgewell/sourcemap-codec';
import { lastExpression } from './last-expression.js';
import { parseCell, RUNTIME } from './rewrite.js';
import { transformSync, type TransformFailure } from './esbuild.js';
import { DataKernelError } from '../errors.js';

export interface Transpiled {
  js: string;
  /** esbuild's source map (JSON) from the JS back to the cell as written; absent when the JS is the cell itself. */
  map?: string;
  /** The parsed JS, when the cell was parsed to decide it needs no transpiling. */
  program?: Program;
}

/** A TypeScript syntax error located in the cell as the user wrote it. */
export class CellSyntaxError extends DataKernelError {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
    readonly lineText: string,
  ) {
    super(message, undefined);
    this.name = 'SyntaxError';
  }
}

// Imports must survive even when a cell does not use them: a later cell may.
const TSCONFIG = { compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true } };

/**
 * The cell's parsed program when it is already JavaScript that TypeScript reads the same way (the rewrite uses it,
 * so such a cell is parsed once). esbuild runs in a service process,
 * and its round trip is most of the cost of a small cell. Only '<' lets valid JavaScript mean something else in
 * TypeScript (`f<T>(x)` is a generic call there, two comparisons here), so such cells always go through esbuild.
 */
function plainJavaScript(source: string): Program | undefined {
  if (source.includes('<')) return undefined;
  try {
    return parseCell(source, 2024);
  } catch {
    return undefined;
  }
}

const esbuild = (source: string, filename: string) =>
  transformSync(source, { loader: 'ts', format: undefined, target: 'node20', sourcemap: 'external', sourcefile: filename, tsconfigRaw: TSCONFIG, logLevel: 'silent' });

const VALUE_MARK = `${RUNTIME.value} = (`;

/**
 * The cell with its last expression assigned to the hidden value (the rewrite returns it): esbuild drops an
 * unused expression it folded to a constant (`'a' + 'b'`), which would leave the cell without a result.
 */
function markedLastExpression(source: string, filename: string): Transpiled | undefined {
  const last = lastExpression(source);
  if (!last) return undefined;
  let out;
  try {
    out = esbuild(`${source.slice(0, last.start)}${VALUE_MARK}${source.slice(last.start, last.end)})${source.slice(last.end)}`, filename);
  } catch {
    return undefined; // not an expression after all: compiled as written
  }
  return { js: out.code, map: unshiftMarkedLine(out.map, source, last.start) };
}

/** The map of the marked cell made a map of the cell as written: columns after the mark move back. */
function unshiftMarkedLine(map: string, source: string, start: number): string {
  const json = JSON.parse(map) as { mappings: string };
  const line = source.slice(0, start).split('\n').length - 1;
  const column = start - (source.lastIndexOf('\n', start - 1) + 1);
  const lines = decode(json.mappings);
  for (const segments of lines) {
    for (const segment of segments) {
      if (segment.length >= 4 && segment[2] === line && segment[3]! >= column) segment[3] = Math.max(column, segment[3]! - VALUE_MARK.length);
    }
  }
  json.mappings = encode(lines);
  return JSON.stringify(json);
}

/** TypeScript to JavaScript with esbuild (types stripped, no type check: fast, like Deno and tsx). */
export function transpile(source: string, filename: string): Transpiled {
  const program = plainJavaScript(source);
  if (program) return { js: source, program };
  const marked = markedLastExpression(source, filename);
  if (marked) return marked;
  try {
    const out = esbuild(source, filename);
    return { js: out.code, map: out.map };
  } catch (error) {
    const failure = error as TransformFailure;
    const first = failure.errors?.[0];
    if (!first) throw error;
    const loc = first.location;
    throw new CellSyntaxError(first.text, loc?.line ?? 1, loc?.column ?? 0, loc?.lineText ?? '');
  }
}
