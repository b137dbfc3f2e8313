import { readFileSync, statSync } from 'node:fs';
import { DataKernelError } from '../../errors.js';
import type { MagicContext } from '../magic.js';
import { userPath } from './user-path.js';

/** A file's text for %load and %run, with an error that says what to check when it cannot be read. */
export function readUserFile(ctx: MagicContext, magic: string, typed: string): { path: string; text: string } {
  const path = userPath(ctx, typed);
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new DataKernelError(`%${magic}: no such file: ${typed}`, `Check the path; relative paths start at ${ctx.cwd()} (%pwd).`);
  }
  if (!isFile) throw new DataKernelError(`%${magic}: not a file: ${typed}`, 'Give a file, not a folder.');
  return { path, text: readFileSync(path, 'utf8') };
}
