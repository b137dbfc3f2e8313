import { DataKernelError } from '../errors.js';
import { helpText, parseMagicArgs } from './args.js';
import { interpolateArguments } from './interpolate.js';
import type { Magic, MagicContext } from './magic.js';
import { isMagicName, loadMagic, magicNames } from './registry.js';

/** Help output: a bundle so it displays as text everywhere. */
const helpResult = (text: string) => ({ [Symbol.for('Jupyter.display')]: () => ({ 'text/plain': text }) });

function closestNames(name: string): string[] {
  return magicNames().filter((n) => n.startsWith(name.slice(0, 2)) || name.includes(n) || n.includes(name));
}

/** Looks up a magic by name; an unknown name gets an error listing near matches. */
export async function findMagic(name: string): Promise<Magic> {
  if (!isMagicName(name)) {
    const near = closestNames(name);
    throw new DataKernelError(
      `Unknown magic %${name}`,
      near.length ? `Did you mean ${near.map((n) => `%${n}`).join(', ')}? %lsmagic lists all magics.` : '%lsmagic lists all magics.',
    );
  }
  return loadMagic(name);
}

/**
 * Runs `%name line` (body undefined) or `%%name line` + body: `--help` prints help, bad arguments
 * raise a UsageError, otherwise the magic's return value is the result.
 */
export async function invokeMagic(name: string, line: string, body: string | undefined, ctx: MagicContext): Promise<unknown> {
  const magic = await findMagic(name);
  const asCell = body !== undefined;
  if (asCell && magic.kind === 'line') {
    throw new DataKernelError(`%${name} is a line magic, not a cell magic`, `Write it as %${name} on a line of its own.`);
  }
  if (!asCell && magic.kind === 'cell') {
    throw new DataKernelError(`%%${name} is a cell magic`, `Write %%${name} on the first line of the cell, with the body below it.`);
  }
  if (/^\s*(--help|-h)\s*$/.test(line)) return helpResult(helpText(magic));
  // A verbatim tail is code or SQL, where braces mean something else and values are bound, never spliced.
  const args = parseMagicArgs(magic, magic.args.rawRest ? line : interpolateArguments(line, ctx));
  return magic.run({ args, body }, ctx);
}
