import type { Completion } from './interpreter.js';

export const KEYWORDS = [
  'abstract', 'as', 'async', 'await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'declare',
  'default', 'delete', 'do', 'else', 'enum', 'export', 'extends', 'false', 'finally', 'for', 'from', 'function', 'if',
  'implements', 'import', 'in', 'instanceof', 'interface', 'keyof', 'let', 'new', 'null', 'of', 'readonly', 'return',
  'satisfies', 'static', 'super', 'switch', 'this', 'throw', 'true', 'try', 'type', 'typeof', 'undefined', 'var',
  'void', 'while', 'yield',
];

const MEMBER_PATH = /((?:[A-Za-z_$][\w$]*)(?:\??\.[A-Za-z_$][\w$]*|\[\d+\])*)\??\.([A-Za-z_$][\w$]*)?$/;
const WORD = /[A-Za-z_$][\w$]*$/;

/** Follows `a.b[0].c` through live objects without calling anything. */
export function resolvePath(path: string, scope: Record<string, unknown>): unknown {
  const parts = path.split(/\??\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '');
  let value: unknown = scope;
  for (const part of parts) {
    if (value === null || value === undefined) return undefined;
    try {
      value = (value as Record<string, unknown>)[part];
    } catch {
      return undefined;
    }
  }
  return value;
}

function memberNames(value: unknown): Map<string, string> {
  const names = new Map<string, string>();
  let object: unknown = value !== null && typeof value !== 'object' && typeof value !== 'function' ? Object(value) : value;
  while (object && object !== Object.prototype && object !== Function.prototype) {
    for (const name of Object.getOwnPropertyNames(object)) {
      if (names.has(name) || name === 'constructor' || /^\d+$/.test(name) || name.startsWith('__')) continue;
      let kind = 'property';
      try {
        const descriptor = Object.getOwnPropertyDescriptor(object, name);
        if (descriptor && 'value' in descriptor && typeof descriptor.value === 'function') kind = 'function';
      } catch {
        // Exotic objects can refuse introspection; the name is still worth offering.
      }
      names.set(name, kind);
    }
    object = Object.getPrototypeOf(object);
  }
  return names;
}

function result(matches: Array<[string, string]>, cursorStart: number, cursorEnd: number): Completion {
  matches.sort(([a], [b]) => a.localeCompare(b));
  return {
    matches: matches.map(([text]) => text),
    cursorStart,
    cursorEnd,
    types: matches.map(([text, type]) => ({ text, type, start: cursorStart, end: cursorEnd })),
  };
}

export interface CompletionSources {
  scope: Record<string, unknown>;
  magicNames: string[];
}

/** Completes members of live objects, globals, keywords, and magic names at the cursor (UTF-16 offsets). */
export function complete(code: string, cursor: number, sources: CompletionSources): Completion {
  const before = code.slice(0, cursor);
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.slice(lineStart);
  // Where cell-source.ts accepts a magic: alone on its line, or assigned (`rows = %sql ...`).
  const magic = /^\s*(?:(?:(?:const|let|var)\s+)?[A-Za-z_$][\w$]*\s*=\s*)?(%%?)([\w-]*)$/.exec(line);
  if (magic) {
    const [, percent, prefix] = magic;
    const matches = sources.magicNames.filter((n) => n.startsWith(prefix)).map((n): [string, string] => [`${percent}${n}`, 'magic']);
    return result(matches, cursor - prefix.length - percent.length, cursor);
  }
  const member = MEMBER_PATH.exec(before);
  if (member) {
    const [, path, prefix = ''] = member;
    const target = resolvePath(path, sources.scope);
    if (target === undefined || target === null) return result([], cursor, cursor);
    const matches = [...memberNames(target)].filter(([name]) => name.startsWith(prefix));
    return result(matches, cursor - prefix.length, cursor);
  }
  const word = WORD.exec(before)?.[0] ?? '';
  if (!word) return result([], cursor, cursor);
  const seen = new Map<string, string>();
  for (const name of Object.getOwnPropertyNames(sources.scope)) {
    if (name.startsWith(word) && !name.startsWith('__dk_')) {
      seen.set(name, typeof sources.scope[name] === 'function' ? 'function' : 'instance');
    }
  }
  for (const keyword of KEYWORDS) if (keyword.startsWith(word) && !seen.has(keyword)) seen.set(keyword, 'keyword');
  return result([...seen], cursor - word.length, cursor);
}
