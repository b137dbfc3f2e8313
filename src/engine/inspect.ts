import { inspect as nodeInspect } from 'node:util';
import type { MimeBundle } from '../display/mime.js';
import { resolvePath } from './complete.js';
import type { Inspection } from './interpreter.js';

const EXPRESSION_AT = /[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*|\[\d+\])*$/;

/** The member chain under or just before the cursor, e.g. `df.groupBy` in `df.groupB|y(`. */
export function expressionAt(code: string, cursor: number): string | undefined {
  const tail = /^[\w$]*/.exec(code.slice(cursor))?.[0] ?? '';
  let end = cursor + tail.length;
  let before = code.slice(0, end);
  // Shift+Tab inside a call's parentheses inspects the function being called.
  if (!EXPRESSION_AT.test(before)) {
    const open = before.lastIndexOf('(');
    if (open > 0) {
      end = open;
      before = code.slice(0, end);
    }
  }
  return EXPRESSION_AT.exec(before)?.[0];
}

function signature(fn: (...args: unknown[]) => unknown): string {
  const source = Function.prototype.toString.call(fn);
  if (source.includes('[native code]')) return `${fn.name}(${Array.from({ length: fn.length }, (_, i) => `arg${i}`).join(', ')})`;
  const header = /^(?:async\s+)?(?:function\s*\*?\s*[\w$]*\s*)?(\([^)]*\)|[\w$]+)\s*(?:=>|\{)/.exec(source)?.[1];
  if (/^class\b/.test(source)) {
    const ctor = /constructor\s*(\([^)]*\))/.exec(source)?.[1] ?? '()';
    return `class ${fn.name}${ctor}`;
  }
  return `${fn.name || '(anonymous)'}${header?.startsWith('(') ? header : `(${header ?? ''})`}`;
}

function describe(name: string, value: unknown, detail: 0 | 1): string {
  const type = value === null ? 'null' : Array.isArray(value) ? `Array(${value.length})` : typeof value === 'object' ? (value.constructor?.name ?? 'Object') : typeof value;
  const lines = [`${name}: ${type}`];
  if (typeof value === 'function') {
    lines.push(`Signature: ${signature(value as (...args: unknown[]) => unknown)}`);
    if (detail === 1) lines.push('Source:', Function.prototype.toString.call(value));
  } else {
    lines.push(`Value: ${nodeInspect(value, { colors: false, depth: detail === 1 ? 4 : 1, maxArrayLength: detail === 1 ? 100 : 10, breakLength: 100 })}`);
  }
  return lines.join('\n');
}

/** Shift+Tab help: the runtime type, a function's signature (and source at detail 1), or a value preview. */
export function inspectAt(code: string, cursor: number, detail: 0 | 1, scope: Record<string, unknown>, helpFor: (name: string) => string | undefined): Inspection {
  const magic = /%%?([\w-]+)/.exec(code.slice(Math.max(0, code.lastIndexOf('%', cursor)), cursor + 40));
  if (magic && code.lastIndexOf('%', cursor) >= 0 && !/\s/.test(code.slice(code.lastIndexOf('%', cursor), cursor))) {
    const help = helpFor(magic[1]);
    if (help) return { found: true, data: { 'text/plain': help } };
  }
  const expression = expressionAt(code, cursor);
  if (!expression) return { found: false, data: {} };
  const root = expression.split(/[.[?]/)[0];
  if (!(root in scope)) return { found: false, data: {} };
  const data: MimeBundle = { 'text/plain': describe(expression, resolvePath(expression, scope), detail) };
  return { found: true, data };
}
