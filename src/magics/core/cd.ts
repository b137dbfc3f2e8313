import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { DataKernelError } from '../../errors.js';
import { defineMagic } from '../magic.js';
import { userPath } from './user-path.js';

function directoryOrThrow(path: string, typed: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw new DataKernelError(`%cd: no such directory: ${typed}`, 'Check the path (!ls lists the current folder; %pwd shows where you are).');
  }
  if (!isDirectory) throw new DataKernelError(`%cd: not a directory: ${typed}`, 'Give a folder, not a file.');
}

export default defineMagic({
  name: 'cd',
  kind: 'line',
  summary: 'Change the working directory',
  description:
    'Changes the working directory of the whole kernel process, so later relative paths, imports and shell ' +
    'commands start there. With no DIR, goes to the home folder; `%cd -` goes back to the previous one.',
  args: { positionals: [{ name: 'dir', description: 'the folder to go to: absolute, relative, ~/..., or - for the previous one', optional: true }] },
  run({ args }, ctx) {
    const [typed = '~'] = args.positionals;
    let target: string;
    if (typed === '-') {
      if (!process.env.OLDPWD) throw new DataKernelError('%cd -: no previous directory', 'Use %cd DIR first; %cd - then goes back.');
      target = process.env.OLDPWD;
    } else target = typed === '~' ? homedir() : userPath(ctx, typed);
    directoryOrThrow(target, typed);
    const previous = ctx.cwd();
    process.chdir(target);
    process.env.OLDPWD = previous;
    process.env.PWD = process.cwd();
    ctx.output.stream('stdout', `${process.cwd()}\n`);
  },
});
