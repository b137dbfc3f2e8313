import { UsageError } from '../../errors.js';
import { defineMagic } from '../magic.js';
import { readUserFile } from './read-user-file.js';

/** Lines picked by `-r`: `5`, `5-10`, `5:10`, `-10` or `5-`, 1-based and inclusive, comma-separated. */
export function pickLines(text: string, ranges: string): string {
  const lines = text.split('\n');
  const picked: string[] = [];
  for (const part of ranges.split(',')) {
    const match = /^\s*(\d*)\s*(?:([-:])\s*(\d*))?\s*$/.exec(part);
    if (!match || (!match[1] && !match[3])) throw new UsageError(`%load: bad line range '${part}'`, 'Write -r 5, -r 5-10, -r -10 or -r 5- (1-based, inclusive).');
    const start = match[1] ? Number(match[1]) : 1;
    const stop = match[2] ? (match[3] ? Number(match[3]) : lines.length) : start;
    picked.push(...lines.slice(start - 1, stop));
  }
  return picked.join('\n');
}

export default defineMagic({
  name: 'load',
  kind: 'line',
  summary: 'Put a file\'s code into the next input',
  description: 'Reads FILE and puts its text into the next cell (the REPL\'s prompt), marked with a `// %load FILE` line, to edit before running, as IPython does.',
  args: {
    options: { range: { type: 'string', short: 'r', description: 'only these lines, e.g. 5-10 or 1-3,8', valueName: 'LINES' } },
    positionals: [{ name: 'file', description: 'the file to load (relative to %pwd; ~ for home)' }],
  },
  run({ args }, ctx) {
    const [typed] = args.positionals;
    const { text } = readUserFile(ctx, 'load', typed);
    const range = args.options.range as string | undefined;
    const content = range ? pickLines(text, range) : text.replace(/\n$/, '');
    ctx.setNextInput(`// %load ${args.positionals[0]}${range ? ` -r ${range}` : ''}\n${content}`);
  },
});
