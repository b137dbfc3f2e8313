import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import type { ArgSpec, Magic, ParsedArgs } from './magic.js';

interface Token {
  text: string;
  end: number;
}

/** Splits a line shell-style (single and double quotes, backslash escapes), keeping where each token ends. */
export function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length) break;
    let text = '';
    let quote: string | undefined;
    for (; i < line.length; i++) {
      const ch = line[i];
      if (quote) {
        if (ch === quote) quote = undefined;
        else if (ch === '\\' && quote === '"' && i + 1 < line.length) text += line[++i];
        else text += ch;
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '\\' && i + 1 < line.length) text += line[++i];
      else if (/\s/.test(ch)) break;
      else text += ch;
    }
    if (quote) throw new UsageError(`Unclosed ${quote} quote in arguments`, 'Close the quote or escape it with a backslash.');
    tokens.push({ text, end: i });
  }
  return tokens;
}

export function usage(magic: Magic): string {
  const prefix = magic.kind === 'cell' ? '%%' : '%';
  const parts = [`${prefix}${magic.name}`];
  for (const [name, opt] of Object.entries(magic.args.options ?? {})) {
    const flag = opt.short ? `-${opt.short}|--${name}` : `--${name}`;
    parts.push(opt.type === 'boolean' ? `[${flag}]` : `[${flag} ${opt.valueName ?? name.toUpperCase()}]`);
  }
  for (const p of magic.args.positionals ?? []) {
    const label = `${p.name.toUpperCase()}${p.variadic ? ' ...' : ''}`;
    parts.push(p.optional ? `[${label}]` : label);
  }
  if (magic.args.rawRest) parts.push(magic.args.rawRest.optional ? `[${magic.args.rawRest.name}]` : magic.args.rawRest.name);
  return parts.join(' ');
}

/** The text `%name --help` prints: usage, description, then each argument. */
export function helpText(magic: Magic): string {
  const lines = [`Usage: ${usage(magic)}`, '', magic.summary];
  if (magic.description) lines.push('', magic.description);
  const rows: Array<[string, string]> = [];
  for (const p of magic.args.positionals ?? []) rows.push([p.name.toUpperCase(), p.description]);
  if (magic.args.rawRest) rows.push([magic.args.rawRest.name, magic.args.rawRest.description]);
  for (const [name, opt] of Object.entries(magic.args.options ?? {})) {
    const flag = `${opt.short ? `-${opt.short}, ` : ''}--${name}${opt.type === 'string' ? ` ${opt.valueName ?? name.toUpperCase()}` : ''}`;
    rows.push([flag, `${opt.description}${opt.default !== undefined ? ` (default: ${opt.default})` : ''}`]);
  }
  if (rows.length) {
    const width = Math.max(...rows.map(([a]) => a.length));
    lines.push('', 'Arguments:', ...rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`));
  }
  return lines.join('\n');
}

function optionConfig(spec: ArgSpec) {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean }> = {};
  for (const [name, opt] of Object.entries(spec.options ?? {})) {
    // node:util parseArgs rejects keys that are present but undefined.
    options[name] = Object.fromEntries(
      Object.entries({ type: opt.type, short: opt.short, multiple: opt.multiple, default: opt.default }).filter(([, v]) => v !== undefined),
    ) as (typeof options)[string];
  }
  return options;
}

/** Index just past the leading option tokens (and their values) of a raw-rest magic line. */
function leadingOptionsEnd(tokens: Token[], spec: ArgSpec): number {
  const byShort = new Map(Object.entries(spec.options ?? {}).filter(([, o]) => o.short).map(([n, o]) => [o.short!, n]));
  let i = 0;
  while (i < tokens.length && tokens[i].text.startsWith('-') && tokens[i].text.length > 1) {
    const raw = tokens[i].text;
    if (raw === '--') return i + 1;
    const name = raw.startsWith('--') ? raw.slice(2).split('=')[0] : byShort.get(raw[1]);
    const opt = name ? spec.options?.[name] : undefined;
    if (!opt) break;
    const inlineValue = raw.includes('=') || (!raw.startsWith('--') && raw.length > 2);
    i += opt.type === 'string' && !inlineValue ? 2 : 1;
  }
  return Math.min(i, tokens.length);
}

/** Parses a magic's argument line against its spec; throws UsageError naming the problem and the usage. */
export function parseMagicArgs(magic: Magic, line: string): ParsedArgs {
  const spec = magic.args;
  const tokens = tokenize(line);
  let optionTokens = tokens;
  let rest = '';
  if (spec.rawRest) {
    const end = leadingOptionsEnd(tokens, spec);
    optionTokens = tokens.slice(0, end);
    rest = end === 0 ? line.trim() : line.slice(tokens[end - 1].end).trim();
    if (optionTokens.at(-1)?.text === '--') optionTokens = optionTokens.slice(0, -1);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: optionTokens.map((t) => t.text),
      options: optionConfig(spec),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0].replace(/\. To specify a positional.*$/, '');
    throw new UsageError(`%${magic.name}: ${message}`, `Usage: ${usage(magic)}  (see %${magic.name} --help)`);
  }
  const positionals = parsed.positionals;
  const declared = spec.positionals ?? [];
  const required = declared.filter((p) => !p.optional).length;
  const variadic = declared.some((p) => p.variadic);
  if (positionals.length < required) {
    const missing = declared[positionals.length];
    throw new UsageError(`%${magic.name}: missing ${missing.name.toUpperCase()} (${missing.description})`, `Usage: ${usage(magic)}`);
  }
  if (!variadic && positionals.length > declared.length) {
    throw new UsageError(`%${magic.name}: unexpected argument '${positionals[declared.length]}'`, `Usage: ${usage(magic)}`);
  }
  if (spec.rawRest && !spec.rawRest.optional && !rest) {
    throw new UsageError(`%${magic.name}: missing ${spec.rawRest.name}`, `Usage: ${usage(magic)}`);
  }
  return { positionals, options: parsed.values as ParsedArgs['options'], rest };
}
