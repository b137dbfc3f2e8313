import type { Program } from 'acorn';
import { parseCell } from './rewrite.js';
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

/** TypeScript to JavaScript with esbuild (types stripped, no type check: fast, like Deno and tsx). */
export function transpile(source: string, filename: string): Transpiled {
  const program = plainJavaScript(source);
  if (program) return { js: source, program };
  try {
    const out = transformSync(source, {
      loader: 'ts',
      format: undefined,
      target: 'node20',
      sourcemap: 'external',
      sourcefile: filename,
      tsconfigRaw: TSCONFIG,
      logLevel: 'silent',
    });
    return { js: out.code, map: out.map };
  } catch (error) {
    const failure = error as TransformFailure;
    const first = failure.errors?.[0];
    if (!first) throw error;
    const loc = first.location;
    throw new CellSyntaxError(first.text, loc?.line ?? 1, loc?.column ?? 0, loc?.lineText ?? '');
  }
}
