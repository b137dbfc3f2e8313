import { bundle } from '../../display/mime.js';
import { tableBundle } from '../../display/table.js';
import { DataKernelError } from '../../errors.js';
import { defineMagic } from '../magic.js';

const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL|PRIVATE|AUTH/i;
const MASK = '********';

/** The value as %env shows it: secret-looking names fully masked, passwords inside URIs hidden. */
export function shownValue(name: string, value: string): string {
  if (SECRET_NAME.test(name)) return MASK;
  return value.replace(/(\/\/[^/:@\s]*:)[^@\s/]+@/g, `$1${MASK}@`);
}

const unquote = (text: string) => /^(["'])([\s\S]*)\1$/.exec(text)?.[2] ?? text;

/** IPython's forms: `NAME`, `NAME=VALUE` and `NAME VALUE`, the value being the rest of the line. */
function parseAssignment(line: string): { name: string; value?: string } {
  const match = /^([^\s=]+)(?:\s*=\s*|\s+)?([\s\S]*)$/.exec(line.trim())!;
  const [, name, value] = match;
  const assigned = /^[^\s=]+\s*=/.test(line.trim()) || value !== '';
  return { name, value: assigned ? unquote(value.trim()) : undefined };
}

export default defineMagic({
  name: 'env',
  kind: 'line',
  summary: 'List, get or set environment variables',
  description:
    '`%env` lists all variables (secret-looking values masked), `%env NAME` gives one, `%env NAME=VALUE` or ' +
    '`%env NAME VALUE` sets one for this kernel and the commands it starts. Values of names containing ' +
    'PASSWORD, SECRET, TOKEN, KEY... are never shown; read them in code with process.env.NAME.',
  args: { rawRest: { name: 'ASSIGNMENT', description: 'NAME, NAME=VALUE, or NAME VALUE (the value is the rest of the line)', optional: true } },
  run({ args }, ctx) {
    if (!args.rest) {
      const names = Object.keys(process.env).sort();
      return bundle(tableBundle({ columns: [{ name: 'Name' }, { name: 'Value' }], rows: names.map((n) => [n, shownValue(n, process.env[n] ?? '')]) }));
    }
    const { name, value } = parseAssignment(args.rest);
    if (!/^[A-Za-z_][\w]*$/.test(name)) throw new DataKernelError(`%env: invalid variable name '${name}'`, 'Names are letters, digits and _, not starting with a digit.');
    if (value === undefined) {
      const current = process.env[name];
      if (current === undefined) throw new DataKernelError(`%env: ${name} is not set`, `Set it with %env ${name}=VALUE.`);
      return SECRET_NAME.test(name) ? bundle({ 'text/plain': `${MASK} (hidden; read it in code with process.env.${name})` }) : current;
    }
    process.env[name] = value;
    ctx.output.stream('stdout', `env: ${name}=${shownValue(name, value)}\n`);
    return undefined;
  },
});
