import type { MagicContext } from './magic.js';

const PLACEHOLDER = /\{([A-Za-z_$][\w$]*)((?:\.[A-Za-z_$][\w$]*)*)\}/g;

/**
 * IPython's `{name}` in a magic's arguments: the value of the notebook variable `name` (or `name.a.b`), so
 * parameters reach magics (`%connect pg {pg_uri}`, `%train m --epochs {epochs}`). Braces around anything
 * that is not a defined variable stay as written.
 */
export function interpolateArguments(line: string, ctx: Pick<MagicContext, 'hasVariable' | 'getVariable'>): string {
  return line.replace(PLACEHOLDER, (placeholder, name: string, path: string) => {
    if (!ctx.hasVariable(name)) return placeholder;
    let value = ctx.getVariable(name);
    for (const key of path.split('.').slice(1)) value = (value as Record<string, unknown> | undefined)?.[key];
    if (value === undefined) return placeholder;
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  });
}
