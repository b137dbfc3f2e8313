import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { MagicContext } from '../magic.js';

/** A path as a user types it in a magic: `~` is the home folder, relative paths start at the engine's cwd. */
export function userPath(ctx: MagicContext, path: string): string {
  const expanded = path === '~' ? homedir() : path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path;
  return resolve(ctx.cwd(), expanded);
}
