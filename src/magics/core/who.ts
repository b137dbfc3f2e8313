import { inspect } from 'node:util';
import { JUPYTER_DISPLAY } from '../../display/mime.js';
import { tableBundle } from '../../display/table.js';
import { defineMagic } from '../magic.js';

/** The type name %who shows: classes and arrays by constructor, the rest by typeof. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'Array';
  if (typeof value === 'function') return /^class\b/.test(Function.prototype.toString.call(value)) ? 'class' : 'function';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'Object';
  return typeof value;
}

function preview(value: unknown): string {
  if (typeof value === 'function') return value.name ? `${value.name}(${value.length ? '…' : ''})` : '(anonymous)';
  if (Array.isArray(value)) return `length ${value.length}`;
  return inspect(value, { colors: false, depth: 0, breakLength: Infinity, maxArrayLength: 5, maxStringLength: 60 });
}

export default defineMagic({
  name: 'who',
  kind: 'line',
  summary: 'List the variables you defined, with their types',
  description:
    'Shows a table of your variables (name, type, short value). Give type names to list only those, e.g. ' +
    '`%who number string`. `names = %who` gives the names as an array.',
  args: { positionals: [{ name: 'types', description: 'only variables of these types (as the Type column shows them)', optional: true, variadic: true }] },
  run({ args }, ctx) {
    const wanted = new Set(args.positionals.map((t) => t.toLowerCase()));
    const names = ctx.variableNames().filter((name) => !wanted.size || wanted.has(typeName(ctx.getVariable(name)).toLowerCase()));
    if (!names.length) {
      ctx.output.stream('stdout', wanted.size ? `No variables of type ${args.positionals.join(', ')}.\n` : 'No variables defined yet.\n');
      return undefined;
    }
    const rows = names.map((name) => {
      const value = ctx.getVariable(name);
      return [name, typeName(value), preview(value)];
    });
    const table = tableBundle({ columns: [{ name: 'Variable' }, { name: 'Type' }, { name: 'Value' }], rows });
    // An array of names that displays as the table: `vars = %who` is useful in code, `%who` alone reads well.
    return Object.assign(names, { [JUPYTER_DISPLAY]: () => table });
  },
});
