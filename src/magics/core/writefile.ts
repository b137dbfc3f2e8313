import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { defineMagic } from '../magic.js';
import { userPath } from './user-path.js';
import { makeDirectory } from '../../fs/make-directory.js';

export default defineMagic({
  name: 'writefile',
  kind: 'cell',
  summary: 'Write the cell body to a file',
  description: 'Writes (or with -a appends) the cell body to FILE, creating its folder if needed; the file ends with a newline.',
  args: {
    options: { append: { type: 'boolean', short: 'a', description: 'append to the file instead of overwriting it' } },
    positionals: [{ name: 'file', description: 'the file to write (relative to %pwd; ~ for home)' }],
  },
  run({ args, body = '' }, ctx) {
    const [typed] = args.positionals;
    const path = userPath(ctx, typed);
    const existed = existsSync(path);
    const text = body.endsWith('\n') || !body ? body : `${body}\n`;
    makeDirectory(dirname(path));
    if (args.options.append) appendFileSync(path, text);
    else writeFileSync(path, text);
    const verb = args.options.append && existed ? 'Appending to' : existed ? 'Overwriting' : 'Writing';
    ctx.output.stream('stdout', `${verb} ${typed}\n`);
  },
});
