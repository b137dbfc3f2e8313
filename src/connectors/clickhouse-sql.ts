import { DataKernelError } from '../errors.js';

/** A piece of ClickHouse SQL text: code, or a string, quoted name or comment that must be left as it is. */
interface Piece {
  kind: 'code' | 'opaque' | 'param' | 'semicolon';
  text: string;
  start: number;
}

/**
 * Splits ClickHouse SQL into pieces, by ClickHouse's own lexical rules: strings '...' take backslash escapes
 * and doubled quotes, names are quoted "..." or `...`, comments are --, # (newer servers) and /* *\/.
 * `$name` and `$1` outside those are parameters.
 */
function pieces(sql: string): Piece[] {
  const out: Piece[] = [];
  let code = 0;
  const flush = (end: number) => {
    if (end > code) out.push({ kind: 'code', text: sql.slice(code, end), start: code });
  };
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    const start = i;
    if (ch === "'" || ch === '"' || ch === '`') {
      i++;
      while (i < sql.length) {
        if (sql[i] === '\\') i += 2;
        else if (sql[i] === ch && sql[i + 1] === ch) i += 2;
        else if (sql[i++] === ch) break;
      }
    } else if ((ch === '-' && sql[i + 1] === '-') || ch === '#') {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (ch === '$' && /^\$\w+/.test(sql.slice(i, i + 2)) && !/[\w$]/.test(sql[i - 1] ?? '')) {
      const name = /^\$(\w+)/.exec(sql.slice(i))![1];
      flush(i);
      out.push({ kind: 'param', text: name, start });
      i += name.length + 1;
      code = i;
      continue;
    } else if (ch === ';') {
      flush(i);
      out.push({ kind: 'semicolon', text: ';', start });
      code = ++i;
      continue;
    } else {
      i++;
      continue;
    }
    flush(start);
    out.push({ kind: 'opaque', text: sql.slice(start, i), start });
    code = i;
  }
  flush(sql.length);
  return out;
}

const isComment = (piece: Piece) => piece.kind === 'opaque' && /^(--|#|\/\*)/.test(piece.text);

/** The statements of ClickHouse SQL text, split at semicolons outside strings, names and comments. */
export function splitClickhouseStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let hasCode = false;
  for (const piece of pieces(sql)) {
    if (piece.kind === 'semicolon') {
      if (hasCode) statements.push(current.trim());
      current = '';
      hasCode = false;
      continue;
    }
    current += piece.kind === 'param' ? `$${piece.text}` : piece.text;
    if (piece.kind === 'param' || (piece.kind === 'code' && piece.text.trim()) || (piece.kind === 'opaque' && !isComment(piece))) hasCode = true;
  }
  if (hasCode) statements.push(current.trim());
  return statements;
}

/** The names of the `$name` parameters of ClickHouse SQL, each once, in order. */
export const clickhouseParameterNames = (sql: string): string[] => [...new Set(pieces(sql).filter((p) => p.kind === 'param').map((p) => p.text))];

/** Whether the statement ends in its own FORMAT clause (results then come in that format, not as a table). */
export function hasFormatClause(sql: string): boolean {
  const last = pieces(sql).filter((p) => !isComment(p)).at(-1);
  return last?.kind === 'code' && /(^|[\s)])FORMAT\s+[A-Za-z]\w*\s*$/i.test(last.text);
}

export type ParamValues = Record<string, unknown> | readonly unknown[];

function valueOf(values: ParamValues, name: string): unknown {
  if (Array.isArray(values)) {
    if (!/^\d+$/.test(name) || Number(name) < 1 || Number(name) > values.length) {
      throw new DataKernelError(`No value for $${name}`, `Pass ${/^\d+$/.test(name) ? `at least ${name}` : 'named'} params.`);
    }
    return values[Number(name) - 1];
  }
  if (!Object.hasOwn(values, name)) {
    throw new DataKernelError(`No value for $${name}`, `Define a variable ${name} (e.g. const ${name} = ...) or pass it in params; $name binds a value, never SQL text.`);
  }
  return (values as Record<string, unknown>)[name];
}

const refused = (name: string, value: unknown) =>
  new DataKernelError(`$${name} is a ${(value as object)?.constructor?.name ?? typeof value}, which SQL cannot take as a value`, 'Bind numbers, strings, booleans, bigints, Dates, or arrays of them.');

const STRING_ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\0': '\\0', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

const quoteString = (text: string) => `'${text.replace(/[\\'\0\n\r\t\b\f]/g, (ch) => STRING_ESCAPES[ch])}'`;

// A negative number in parentheses: `a-$x` with x = -1 must not become `a--1`, the start of a comment.
const signed = (text: string) => (text.startsWith('-') ? `(${text})` : text);

/**
 * A JS value as a ClickHouse literal, by ClickHouse's literal grammar: strings quoted with every backslash,
 * quote and control character escaped; numbers (bigints exactly); Dates as UTC DateTime; arrays of these.
 * For servers without query parameters (before 19.x) this is how values are bound: the one place a value
 * becomes SQL text. Anything else is refused.
 */
export function clickhouseLiteral(name: string, value: unknown, options: { dateTime64: boolean }): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'bigint') return signed(value.toString());
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '(-inf)';
    // String() of a float round-trips exactly and is a literal ClickHouse reads (1.5, 1e+300).
    return signed(String(value));
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new DataKernelError(`$${name} is an invalid Date`, 'Bind a valid Date.');
    const text = value.toISOString().replace('T', ' ').replace('Z', '');
    return options.dateTime64 ? `toDateTime64(${quoteString(text)}, 3, 'UTC')` : `toDateTime(${quoteString(text.slice(0, 19))}, 'UTC')`;
  }
  if (Array.isArray(value)) return `[${value.map((v) => clickhouseLiteral(name, v, options)).join(', ')}]`;
  throw refused(name, value);
}

/** The ClickHouse type of a query parameter holding `value` (for servers with `{name:Type}` parameters). */
function parameterType(name: string, value: unknown): string {
  if (value === null || value === undefined) return 'Nullable(String)';
  if (typeof value === 'string') return 'String';
  if (typeof value === 'boolean') return 'UInt8';
  if (typeof value === 'bigint') return value > 9223372036854775807n ? 'UInt64' : 'Int64';
  if (typeof value === 'number') return Number.isInteger(value) ? 'Int64' : 'Float64';
  if (value instanceof Date) return "DateTime64(3, 'UTC')";
  if (Array.isArray(value)) {
    const present = value.filter((v) => v !== null && v !== undefined);
    const types = new Set(present.map((v) => parameterType(name, v)));
    if (types.size > 1) throw new DataKernelError(`$${name} mixes types (${[...types].join(', ')})`, 'Bind an array whose items are all of one type.');
    const item = [...types][0] ?? 'String';
    return `Array(${present.length < value.length && !item.startsWith('Nullable') ? `Nullable(${item})` : item})`;
  }
  throw refused(name, value);
}

/**
 * A parameter value as @clickhouse/client takes it: the client writes it in the text format the server reads
 * (escapes, NULL, arrays, Dates as epoch seconds); pre-formatted text would be escaped a second time (a NULL
 * would arrive as the string \N). Booleans go as 1/0, the UInt8 that parameterType names.
 */
function parameterValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (Array.isArray(value)) return value.map(parameterValue);
  return value;
}

export interface BoundStatement {
  sql: string;
  /** Values of `{name:Type}` parameters, sent beside the SQL as param_name (servers that have them). */
  params: Record<string, unknown>;
}

/**
 * Binds the `$name` (or `$1` with an array) parameters of a ClickHouse statement: as the server's own query
 * parameters `{p_name:Type}` where it has them, else as literals (see clickhouseLiteral).
 */
export function bindClickhouse(sql: string, values: ParamValues, server: { parameters: boolean; dateTime64: boolean }): BoundStatement {
  const params: Record<string, unknown> = {};
  let text = '';
  for (const piece of pieces(sql)) {
    if (piece.kind !== 'param') {
      text += piece.text;
      continue;
    }
    const value = valueOf(values, piece.text);
    if (server.parameters) {
      const key = `p_${piece.text}`;
      params[key] = parameterValue(value);
      text += `{${key}:${parameterType(piece.text, value)}}`;
    } else text += clickhouseLiteral(piece.text, value, server);
  }
  return { sql: text, params };
}
