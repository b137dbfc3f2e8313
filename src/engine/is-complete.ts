import { transformSync } from './esbuild.js';
import type { Completeness } from './interpreter.js';
import { expandLineCommands } from './cell-source.js';

const INCOMPLETE = /Unexpected end of file|Unterminated (template|string|regular expression)|Expected "[)\]}]" but found end of file/;

function indentFor(code: string): string {
  const last = code.split('\n').at(-1) ?? '';
  const base = /^\s*/.exec(last)?.[0] ?? '';
  return /[{([]\s*$/.test(last) ? `${base}  ` : base;
}

/** Whether a front end should run the code or ask for another line (open brackets, unterminated strings). */
export function isComplete(code: string): Completeness {
  if (/^\s*%%/.test(code)) {
    // Cell magics in a console end with an empty line, as in IPython.
    return /\n\s*$/.test(code) && code.trim().includes('\n') ? { status: 'complete' } : { status: 'incomplete', indent: '' };
  }
  if (!code.trim()) return { status: 'complete' };
  try {
    transformSync(expandLineCommands(code), { loader: 'ts', logLevel: 'silent' });
    return { status: 'complete' };
  } catch (error) {
    const text = ((error as { errors?: Array<{ text: string }> }).errors ?? []).map((e) => e.text).join('\n');
    return INCOMPLETE.test(text) ? { status: 'incomplete', indent: indentFor(code) } : { status: 'invalid' };
  }
}
