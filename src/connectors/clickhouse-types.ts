import { quoteIdent, quoteLiteral } from '../sql/identifiers.js';
import type { TextColumn } from './text-loader.js';

/** A ClickHouse type as a tree: `Array(Nullable(String))` is Array with one argument, Nullable(String). */
export interface ChType {
  name: string;
  /** Type arguments (nested types), or for Enum/DateTime/Decimal/FixedString their literal arguments as text. */
  args: ChType[];
  /** Element name of a named Tuple element (`Tuple(a UInt8)`). */
  field?: string;
}

/** Splits `text` at top-level commas, outside parentheses and quoted strings. */
function splitArgs(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") {
      for (i++; i < text.length && text[i] !== "'"; i++) if (text[i] === '\\') i++;
    } else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter(Boolean);
}

/** Parses a ClickHouse type name as the server writes it (in DESCRIBE, system.columns, TSV headers). */
export function parseChType(text: string): ChType {
  const trimmed = text.trim();
  const open = trimmed.indexOf('(');
  if (open === -1 || !trimmed.endsWith(')')) {
    // A named tuple element: `name Type`.
    const named = /^([A-Za-z_][\w]*)\s+(\S[\s\S]*)$/.exec(trimmed);
    if (named && !/^(Nullable|Array|Tuple)$/.test(named[1])) return { ...parseChType(named[2]), field: named[1] };
    return { name: trimmed, args: [] };
  }
  const head = trimmed.slice(0, open).trim();
  const named = /^([A-Za-z_]\w*)\s+([A-Za-z]\w*)$/.exec(head);
  if (named) return { ...parseChType(trimmed.slice(named[1].length)), field: named[1] };
  const inner = trimmed.slice(open + 1, -1);
  // Literal arguments (Enum8('a' = 1), DateTime('UTC'), Decimal(10, 2), FixedString(3)) stay text.
  const literal = /^(Enum8|Enum16|DateTime|DateTime64|Decimal|Decimal32|Decimal64|Decimal128|Decimal256|FixedString)$/.test(head);
  return { name: head, args: splitArgs(inner).map((a) => (literal ? { name: a, args: [] } : parseChType(a))) };
}

const INTEGERS: Record<string, string> = {
  Int8: 'TINYINT', Int16: 'SMALLINT', Int32: 'INTEGER', Int64: 'BIGINT', Int128: 'HUGEINT',
  UInt8: 'UTINYINT', UInt16: 'USMALLINT', UInt32: 'UINTEGER', UInt64: 'UBIGINT', UInt128: 'UHUGEINT',
};
const DECIMAL_PRECISION: Record<string, number> = { Decimal32: 9, Decimal64: 18, Decimal128: 38, Decimal256: 76 };

/** Drops Nullable and LowCardinality wrappers, which do not change the DuckDB type. */
export function unwrap(type: ChType): ChType {
  return type.name === 'Nullable' || type.name === 'LowCardinality' ? unwrap(type.args[0]) : type;
}

/** A string argument of a type written as a ClickHouse literal ('UTC', 'a'), unquoted. */
const unquote = (text: string) => text.trim().replace(/^'([\s\S]*)'$/, '$1').replace(/\\(.)/g, '$1');

/** The values of an Enum8/Enum16, in the order of their numbers. */
function enumValues(type: ChType): string[] {
  return type.args
    .map((a) => /^'((?:[^'\\]|\\.)*)'\s*=\s*(-?\d+)$/.exec(a.name.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[2]) - Number(b[2]))
    .map((m) => m[1].replace(/\\(.)/g, '$1'));
}

/** The time zone a DateTime column's text is written in: its own, or the server's. */
const dateTimeZone = (type: ChType, serverZone: string): string => {
  const zone = type.name === 'DateTime64' ? type.args[1] : type.args[0];
  return zone ? unquote(zone.name) : serverZone;
};

/** The DuckDB type a ClickHouse type loads as; types DuckDB has no match for (IPv4, Int256...) load as text. */
export function chTypeToDuckDB(type: ChType): string {
  const t = unwrap(type);
  if (INTEGERS[t.name]) return INTEGERS[t.name];
  switch (t.name) {
    case 'Float32':
      return 'FLOAT';
    case 'Float64':
      return 'DOUBLE';
    case 'Bool':
      return 'BOOLEAN';
    case 'Date':
    case 'Date32':
      return 'DATE';
    case 'DateTime':
    case 'DateTime64':
      return 'TIMESTAMPTZ';
    case 'UUID':
      return 'UUID';
    case 'Enum8':
    case 'Enum16':
      return `ENUM(${enumValues(t).map(quoteLiteral).join(', ')})`;
    case 'Array':
      return `${chTypeToDuckDB(t.args[0])}[]`;
    case 'Map':
      return `MAP(${chTypeToDuckDB(t.args[0])}, ${chTypeToDuckDB(t.args[1])})`;
    case 'Tuple':
      return `STRUCT(${t.args.map((a, i) => `${quoteIdent(a.field ?? String(i + 1))} ${chTypeToDuckDB(a)}`).join(', ')})`;
  }
  if (t.name.startsWith('Decimal')) {
    const [precision, scale] = t.name === 'Decimal' ? t.args.map((a) => Number(a.name)) : [DECIMAL_PRECISION[t.name], Number(t.args[0]?.name ?? 0)];
    return precision <= 38 ? `DECIMAL(${precision},${scale})` : 'DOUBLE';
  }
  return 'VARCHAR';
}

const isComposite = (type: ChType) => ['Array', 'Tuple', 'Map'].includes(unwrap(type).name);

/**
 * How a ClickHouse result column's text (TabSeparated, unescaped) lands in DuckDB: DateTime text is in the
 * column's or the server's time zone, zero dates ('0000-00-00', ClickHouse's day 0) are 1970-01-01, FixedString
 * loses its zero padding, and arrays, tuples and maps arrive as JSON (see chValueToJson).
 */
export function chTextColumn(name: string, typeText: string, serverZone: string): TextColumn {
  const type = parseChType(typeText);
  const t = unwrap(type);
  const duckdbType = chTypeToDuckDB(type);
  if (isComposite(type)) return { name, duckdbType, convert: (c) => `CAST(CAST(${c} AS JSON) AS ${duckdbType})` };
  if (t.name === 'Date' || t.name === 'Date32') return { name, duckdbType, convert: (c) => `CAST(replace(${c}, '0000-00-00', '1970-01-01') AS DATE)` };
  if (t.name === 'DateTime' || t.name === 'DateTime64') {
    const zone = dateTimeZone(t, serverZone);
    // The zero DateTime is written '0000-00-00 00:00:00' whatever the zone: it is the epoch itself.
    return { name, duckdbType, convert: (c) => `CASE WHEN ${c} LIKE '0000-00-00%' THEN TIMESTAMPTZ '1970-01-01 00:00:00+00' ELSE timezone(${quoteLiteral(zone)}, CAST(${c} AS TIMESTAMP)) END` };
  }
  if (t.name === 'FixedString') return { name, duckdbType, convert: (c) => `rtrim(${c}, chr(0))` };
  return { name, duckdbType };
}

/** Reads ClickHouse's text form of a value (`[1,'a\'b',NULL]`, `(1,'x')`, `{'k':2}`) and writes it as JSON. */
class TextValueReader {
  private at = 0;
  constructor(private readonly text: string) {}

  private peek = () => this.text[this.at];

  private expect(ch: string): void {
    if (this.text[this.at] !== ch) throw new Error(`expected ${ch} at ${this.at} in ${this.text.slice(0, 80)}`);
    this.at++;
  }

  private string(): string {
    this.expect("'");
    let out = '';
    while (this.at < this.text.length && this.text[this.at] !== "'") {
      const ch = this.text[this.at++];
      out += ch === '\\' ? unescapeChar(this.text[this.at++]) : ch;
    }
    this.expect("'");
    return out;
  }

  private bare(): string {
    const start = this.at;
    while (this.at < this.text.length && !/[,\])}:]/.test(this.text[this.at])) this.at++;
    return this.text.slice(start, this.at).trim();
  }

  /** The JSON of the value at the cursor, of ClickHouse type `type`. */
  value(type: ChType): string {
    const t = unwrap(type);
    if (this.text.startsWith('NULL', this.at) && !/[\w]/.test(this.text[this.at + 4] ?? '')) {
      this.at += 4;
      return 'null';
    }
    if (t.name === 'Array') return `[${this.list('[', ']', () => this.value(t.args[0])).join(',')}]`;
    if (t.name === 'Tuple') {
      const items = this.list('(', ')', (i) => `${JSON.stringify(t.args[i]?.field ?? String(i + 1))}:${this.value(t.args[i] ?? { name: 'String', args: [] })}`);
      return `{${items.join(',')}}`;
    }
    if (t.name === 'Map') {
      const items = this.list('{', '}', () => {
        const key = this.value(t.args[0]);
        this.expect(':');
        return `${JSON.stringify(typeof JSON.parse(key) === 'string' ? JSON.parse(key) : key)}:${this.value(t.args[1])}`;
      });
      return `{${items.join(',')}}`;
    }
    if (this.peek() === "'") {
      const text = this.string();
      return JSON.stringify(t.name === 'FixedString' ? text.replace(/\0+$/, '') : text);
    }
    const word = this.bare();
    // Numbers are copied as written (a UInt64 keeps every digit); inf and nan have no JSON number form.
    return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(word) ? word : /^(true|false)$/.test(word) ? word : JSON.stringify(word);
  }

  private list(open: string, close: string, item: (index: number) => string): string[] {
    this.expect(open);
    const items: string[] = [];
    while (this.peek() !== close) {
      if (items.length) this.expect(',');
      items.push(item(items.length));
    }
    this.expect(close);
    return items;
  }
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', r: '\r', n: '\n', t: '\t', '0': '\0', a: '\x07', v: '\v' };
const unescapeChar = (ch: string | undefined) => (ch === undefined ? '' : (ESCAPES[ch] ?? ch));

/** A TabSeparated field as its text: `\N` is null, backslash escapes are undone. */
export function unescapeTsv(field: string): string | null {
  if (field === '\\N') return null;
  return field.includes('\\') ? field.replace(/\\(.)/g, (_m, ch: string) => unescapeChar(ch)) : field;
}

/** A composite value's ClickHouse text (already TSV-unescaped) as JSON, for DuckDB to cast to a list, struct or map. */
export const chValueToJson = (text: string, type: ChType): string => new TextValueReader(text).value(type);

/** The ClickHouse type a DuckDB column is created as (%ingest into ClickHouse). */
export function duckdbTypeToCh(duckdbType: string, nullable: boolean): string {
  const t = duckdbType.toUpperCase().trim();
  const wrap = (inner: string) => (nullable ? `Nullable(${inner})` : inner);
  if (t.endsWith('[]')) return `Array(${duckdbTypeToCh(t.slice(0, -2), true)})`;
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(t);
  if (decimal) return wrap(`Decimal(${decimal[1]}, ${decimal[2]})`);
  const named: Record<string, string> = {
    TINYINT: 'Int8', SMALLINT: 'Int16', INTEGER: 'Int32', BIGINT: 'Int64', HUGEINT: 'Int128',
    UTINYINT: 'UInt8', USMALLINT: 'UInt16', UINTEGER: 'UInt32', UBIGINT: 'UInt64', UHUGEINT: 'UInt128',
    FLOAT: 'Float32', REAL: 'Float32', DOUBLE: 'Float64', BOOLEAN: 'UInt8', DATE: 'Date', UUID: 'UUID',
    TIMESTAMP: "DateTime('UTC')", 'TIMESTAMP WITH TIME ZONE': "DateTime('UTC')", TIMESTAMPTZ: "DateTime('UTC')",
  };
  return wrap(named[t] ?? 'String');
}
