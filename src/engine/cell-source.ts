import { RUNTIME } from './rewrite.js';

/** Names of the hidden globals that magic and shell lines call. */
export const CELL_RUNTIME = {
  ...RUNTIME,
  magic: '__dk_magic',
  shell: '__dk_shell',
  help: '__dk_help',
} as const;

export interface CellMagic {
  name: string;
  line: string;
  body: string;
}

/** `%%name args` on the first line makes the whole cell a cell magic. */
export function parseCellMagic(source: string): CellMagic | undefined {
  const match = /^\s*%%([A-Za-z_][\w-]*)([^\n]*)(?:\n([\s\S]*))?$/.exec(source);
  return match ? { name: match[1], line: match[2].trim(), body: match[3] ?? '' } : undefined;
}

const LINE_MAGIC = /^(\s*)(?:((?:const|let|var)\s+)?([A-Za-z_$][\w$]*)\s*=\s*)?%([A-Za-z_][\w-]*)(.*)$/;
const SHELL = /^(\s*)!(.+)$/;
const HELP = /^\s*(?:\?\s*([\w$.]+)|([\w$.%]+)\s*\?{1,2})\s*$/;

/**
 * Replaces magic (`%name args`, `x = %name args`), shell (`!cmd`) and help (`?name`, `name?`) lines with calls,
 * line for line, so positions in the rest of the cell are unchanged.
 */
export function expandLineCommands(source: string): string {
  return source
    .split('\n')
    .map((line) => {
      const help = HELP.exec(line);
      if (help) return `${CELL_RUNTIME.help}(${JSON.stringify(help[1] ?? help[2])});`;
      const magic = LINE_MAGIC.exec(line);
      if (magic && !line.trimStart().startsWith('%%')) {
        const [, indent, declaration = '', target, name, args] = magic;
        const call = `await ${CELL_RUNTIME.magic}(${JSON.stringify(name)}, ${JSON.stringify(args.trim())})`;
        return target ? `${indent}${declaration}${target} = ${call};` : `${indent}${call};`;
      }
      const shell = SHELL.exec(line);
      if (shell && !line.trimStart().startsWith('!=')) return `${shell[1]}await ${CELL_RUNTIME.shell}(${JSON.stringify(shell[2])});`;
      return line;
    })
    .join('\n');
}

/** `{ a: 1 }` alone is an object, as in Node's REPL, not a block with a label. */
export function wrapObjectLiteral(source: string): string {
  const trimmed = source.trim();
  if (trimmed.startsWith('{') && trimmed.endsWith('}') && !trimmed.endsWith(';}')) {
    try {
      new Function(`return (${trimmed});`);
      return `(${source})`;
    } catch {
      return source;
    }
  }
  return source;
}
