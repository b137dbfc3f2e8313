import { DataKernelError } from '../errors.js';

/** A lexical token of SQL text; strings and comments are skipped, quoted identifiers are kept unquoted. */
interface Token {
  kind: 'word' | 'quoted' | 'symbol' | 'param' | 'string';
  text: string;
  start: number;
}

/** Splits SQL text into tokens, knowing strings ('', E'', $tag$ $tag$), quoted identifiers and comments. */
function tokens(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    const start = i;
    if (/\s/.test(ch)) i++;
    else if (ch === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (ch === "'") {
      i++;
      while (i < sql.length) {
        if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === '\\' && /[eE]/.test(sql[start - 1] ?? '')) i += 2;
        else if (sql[i++] === "'") break;
      }
      out.push({ kind: 'string', text: sql.slice(start, i), start });
    } else if (ch === '"') {
      let text = '';
      i++;
      while (i < sql.length) {
        if (sql[i] === '"' && sql[i + 1] === '"') {
          text += '"';
          i += 2;
        } else if (sql[i] === '"') {
          i++;
          break;
        } else text += sql[i++];
      }
      out.push({ kind: 'quoted', text, start });
    } else if (ch === '$') {
      const tag = /^\$([A-Za-z_]\w*)?\$/.exec(sql.slice(i));
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        i = end === -1 ? sql.length : end + tag[0].length;
        out.push({ kind: 'string', text: sql.slice(start, i), start });
      } else {
        const param = /^\$(\w+)/.exec(sql.slice(i));
        i += param ? param[0].length : 1;
        out.push({ kind: 'param', text: param ? param[1] : '$', start });
      }
    } else if (/[A-Za-z_\u0080-\uffff]/.test(ch)) {
      while (i < sql.length && /[\w$\u0080-\uffff]/.test(sql[i])) i++;
      out.push({ kind: 'word', text: sql.slice(start, i), start });
    } else {
      i++;
      out.push({ kind: 'symbol', text: ch, start });
    }
  }
  return out;
}

/** The statements of SQL text (split at semicolons outside strings, identifiers and comments), trimmed, empty ones dropped. */
export function splitStatements(sql: string): string[] {
  const cuts = tokens(sql)
    .filter((t) => t.kind === 'symbol' && t.text === ';')
    .map((t) => t.start);
  const parts: string[] = [];
  let from = 0;
  for (const cut of [...cuts, sql.length]) {
    const part = sql.slice(from, cut).trim();
    if (part && tokens(part).length > 0) parts.push(part);
    from = cut + 1;
  }
  return parts;
}

const NOT_A_TABLE = new Set(['select', 'lateral', 'unnest', 'values', 'with', 'only', 'tables', 'all', 'databases']);
// Statements that name a table right after their keyword: DESCRIBE t, SUMMARIZE t, SHOW t.
const NAMES_A_TABLE = new Set(['describe', 'summarize', 'show']);
const ENDS_FROM_LIST = new Set([
  'where', 'group', 'order', 'limit', 'having', 'qualify', 'window', 'union', 'except', 'intersect', 'offset', 'returning', 'set',
]);

/** A dotted table name in SQL text: its parts unquoted, and as written (quotes kept, for the source's own rules). */
export interface TableReference {
  parts: string[];
  source: string[];
}

/**
 * Table names that SQL text reads: each name after FROM or JOIN and after the commas of a FROM list, and the
 * table of DESCRIBE, SUMMARIZE and SHOW. Function calls (`read_parquet(...)`) and subqueries are not names.
 */
export function tableReferences(sql: string): TableReference[] {
  const list = tokens(sql);
  const refs: TableReference[] = [];
  let inFromList = false;
  let depth = 0;
  const fromDepth: number[] = [];
  for (let i = 0; i < list.length; i++) {
    const t = list[i];
    const lower = t.kind === 'word' ? t.text.toLowerCase() : '';
    if (t.text === '(' && t.kind === 'symbol') depth++;
    if (t.text === ')' && t.kind === 'symbol') {
      depth--;
      if (fromDepth.length && fromDepth.at(-1)! > depth) fromDepth.pop();
    }
    const startsName = lower === 'from' || lower === 'join' || NAMES_A_TABLE.has(lower) || (inFromList && t.kind === 'symbol' && t.text === ',' && fromDepth.at(-1) === depth);
    if (lower === 'from') {
      inFromList = true;
      fromDepth.push(depth);
    } else if (ENDS_FROM_LIST.has(lower) && fromDepth.at(-1) === depth) inFromList = false;
    if (!startsName) continue;
    const parts: string[] = [];
    const source: string[] = [];
    let j = i + 1;
    while (j < list.length && (list[j].kind === 'word' || list[j].kind === 'quoted')) {
      parts.push(list[j].text);
      source.push(list[j].kind === 'quoted' ? `"${list[j].text.replace(/"/g, '""')}"` : list[j].text);
      if (list[j + 1]?.kind === 'symbol' && list[j + 1].text === '.') j += 2;
      else {
        j++;
        break;
      }
    }
    const call = list[j]?.kind === 'symbol' && list[j].text === '(';
    if (parts.length && !call && !(parts.length === 1 && list[i + 1].kind === 'word' && NOT_A_TABLE.has(parts[0].toLowerCase()))) refs.push({ parts, source });
  }
  return refs;
}

// One part of a dotted name: "quoted" (with "" for a quote), `quoted` (ClickHouse and MySQL, with ``), or bare.
const NAME_PART = /\s*(?:"((?:[^"]|"")*)"|`((?:[^`]|``)*)`|([\w$\u0080-\uffff]+))\s*(\.|$)/y;

type NamePart = { name: string; quoted: boolean };

/** The parts of a dotted name, or undefined (with where it stopped) for text that is not one. */
function parseName(text: string): { parts?: NamePart[]; stop: number } {
  const parts: NamePart[] = [];
  NAME_PART.lastIndex = 0;
  for (;;) {
    const stop = NAME_PART.lastIndex;
    const match = NAME_PART.exec(text);
    if (!match) return { stop };
    const [, doubleQuoted, backQuoted, bare, dot] = match;
    if (bare !== undefined) parts.push({ name: bare, quoted: false });
    else parts.push({ name: doubleQuoted !== undefined ? doubleQuoted.replaceAll('""', '"') : backQuoted.replaceAll('``', '`'), quoted: true });
    if (dot === '') return { parts, stop: text.length };
  }
}

/** Whether `text` is a dotted name (`pg.public."My Table"`), as nameParts reads it. */
export const isDottedName = (text: string): boolean => parseName(text).parts !== undefined;

/**
 * The parts of a dotted name as written (`public."My Table"`), unquoted, with whether each was quoted. Text that
 * is not a dotted name throws: read loosely, `db.my-table` would be `db.my` and name another table.
 */
export function nameParts(text: string): NamePart[] {
  const { parts, stop } = parseName(text);
  if (parts) return parts;
  const problem = text.trim() === '' ? 'an empty name' : `${JSON.stringify(text)}, which is not a dotted name (it stops at ${JSON.stringify(text.slice(stop).trim().slice(0, 20))})`;
  throw new DataKernelError(`Expected a table name, got ${problem}`, 'Write NAME.schema.table, and quote any part holding more than letters, digits and _, e.g. ch.default."my-table".');
}

/** Whether SQL text has parameters to bind: `$name`, `$1` or `?` outside strings, identifiers and comments. */
export function hasParameters(sql: string): boolean {
  return tokens(sql).some((t) => t.kind === 'param' || (t.kind === 'symbol' && t.text === '?'));
}
