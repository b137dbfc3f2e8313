import { transformSync, type TransformFailure } from './esbuild.js';
import { DataKernelError } from '../errors.js';

export interface Transpiled {
  js: string;
  /** esbuild's source map (JSON) from the JS back to the cell as written. */
  map: string;
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

/** TypeScript to JavaScript with esbuild (types stripped, no type check: fast, like Deno and tsx). */
export function transpile(source: string, filename: string): Transpiled {
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
