/** A type name taken apart: base name, parameters, and the element/field types of nested types. */
export interface ParsedType {
  /** Canonical upper-case DuckDB base name, e.g. `INTEGER`, `DECIMAL`, `LIST`, `TIMESTAMP WITH TIME ZONE`. */
  base: string;
  /** Numeric parameters: DECIMAL precision and scale, VARCHAR length. */
  params: number[];
  /** Element type of LIST and ARRAY, value type of MAP. */
  element?: ParsedType;
  /** Key type of MAP. */
  key?: ParsedType;
  /** Fields of STRUCT. */
  fields?: Array<{ name: string; type: ParsedType }>;
  /** Fixed size of ARRAY. */
  size?: number;
}

// Source and contract spellings (Postgres, MySQL/MariaDB, ODCS physicalType) of the DuckDB base types.
const ALIASES: Record<string, string> = {
  int: 'INTEGER', int4: 'INTEGER', integer: 'INTEGER', signed: 'INTEGER', mediumint: 'INTEGER', serial: 'INTEGER',
  int2: 'SMALLINT', smallint: 'SMALLINT', short: 'SMALLINT', smallserial: 'SMALLINT', year: 'SMALLINT',
  int1: 'TINYINT', tinyint: 'TINYINT',
  int8: 'BIGINT', bigint: 'BIGINT', long: 'BIGINT', bigserial: 'BIGINT',
  int128: 'HUGEINT', hugeint: 'HUGEINT',
  utinyint: 'UTINYINT', usmallint: 'USMALLINT', uinteger: 'UINTEGER', ubigint: 'UBIGINT', uhugeint: 'UHUGEINT',
  float: 'FLOAT', float4: 'FLOAT', real: 'FLOAT',
  double: 'DOUBLE', float8: 'DOUBLE', 'double precision': 'DOUBLE',
  decimal: 'DECIMAL', numeric: 'DECIMAL', dec: 'DECIMAL', number: 'DECIMAL',
  varchar: 'VARCHAR', 'character varying': 'VARCHAR', 'char varying': 'VARCHAR', nvarchar: 'VARCHAR', text: 'VARCHAR',
  string: 'VARCHAR', char: 'VARCHAR', character: 'VARCHAR', bpchar: 'VARCHAR', nchar: 'VARCHAR', tinytext: 'VARCHAR',
  mediumtext: 'VARCHAR', longtext: 'VARCHAR', enum: 'VARCHAR', set: 'VARCHAR', citext: 'VARCHAR', name: 'VARCHAR',
  bool: 'BOOLEAN', boolean: 'BOOLEAN', logical: 'BOOLEAN',
  date: 'DATE',
  time: 'TIME', 'time without time zone': 'TIME', timetz: 'TIME WITH TIME ZONE', 'time with time zone': 'TIME WITH TIME ZONE',
  timestamp: 'TIMESTAMP', datetime: 'TIMESTAMP', 'timestamp without time zone': 'TIMESTAMP', timestamp_us: 'TIMESTAMP',
  timestamptz: 'TIMESTAMP WITH TIME ZONE', 'timestamp with time zone': 'TIMESTAMP WITH TIME ZONE',
  timestamp_s: 'TIMESTAMP_S', timestamp_ms: 'TIMESTAMP_MS', timestamp_ns: 'TIMESTAMP_NS',
  interval: 'INTERVAL',
  blob: 'BLOB', bytea: 'BLOB', binary: 'BLOB', varbinary: 'BLOB', bytes: 'BLOB', tinyblob: 'BLOB', mediumblob: 'BLOB',
  longblob: 'BLOB',
  uuid: 'UUID', json: 'JSON', jsonb: 'JSON', bit: 'BIT', bitstring: 'BIT',
  list: 'LIST', array: 'LIST', struct: 'STRUCT', row: 'STRUCT', map: 'MAP', union: 'UNION',
};

// Parameters that describe display width or fractional-second digits, not the value domain.
const IGNORED_PARAMS = new Set(['INTEGER', 'SMALLINT', 'TINYINT', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'TIME', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'TIME WITH TIME ZONE', 'BIT', 'BLOB', 'FLOAT', 'DOUBLE']);
const UNSIGNED: Record<string, string> = { TINYINT: 'UTINYINT', SMALLINT: 'USMALLINT', INTEGER: 'UINTEGER', BIGINT: 'UBIGINT' };

/** Splits `text` at commas that are not inside parentheses or quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter((p) => p.length > 0);
}

/** Index of the bracket that closes the one opening at `open`. */
function closing(text: string, open: number): number {
  const pairs: Record<string, string> = { '(': ')', '[': ']' };
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === text[open]) depth++;
    else if (text[i] === pairs[text[open]] && --depth === 0) return i;
  }
  return -1;
}

function parseStructField(text: string): { name: string; type: ParsedType } {
  const quoted = /^"((?:[^"]|"")*)"\s+(.*)$/s.exec(text);
  if (quoted) return { name: quoted[1].replace(/""/g, '"'), type: parseType(quoted[2]) };
  const space = text.search(/\s/);
  return { name: text.slice(0, space), type: parseType(text.slice(space + 1)) };
}

/**
 * Parses a type name as DuckDB, Postgres, MySQL/MariaDB or an ODCS physicalType spells it into DuckDB terms:
 * `character varying(40)` is VARCHAR with length 40, `int(11) unsigned` is UINTEGER, `_int4` and `integer[]` are
 * lists of INTEGER.
 */
export function parseType(text: string): ParsedType {
  let rest = text.trim();
  if (/^_[a-z0-9]+$/i.test(rest)) return { base: 'LIST', params: [], element: parseType(rest.slice(1)) };
  const arraySuffix = /\[(\d*)\]$/.exec(rest);
  if (arraySuffix && closing(rest, rest.length - arraySuffix[0].length) === rest.length - 1) {
    const element = parseType(rest.slice(0, rest.length - arraySuffix[0].length));
    return arraySuffix[1]
      ? { base: 'ARRAY', params: [], element, size: Number(arraySuffix[1]) }
      : { base: 'LIST', params: [], element };
  }
  const unsigned = /\s+unsigned(\s+zerofill)?$/i.test(rest);
  rest = rest.replace(/\s+(unsigned|zerofill)\b/gi, '').trim();
  const open = rest.indexOf('(');
  let name = rest;
  let inner: string | undefined;
  let suffix = '';
  if (open >= 0) {
    const close = closing(rest, open);
    name = rest.slice(0, open).trim();
    inner = rest.slice(open + 1, close < 0 ? undefined : close);
    suffix = close < 0 ? '' : rest.slice(close + 1).trim();
  }
  const spelled = `${name}${suffix ? ` ${suffix}` : ''}`.toLowerCase().replace(/\s+/g, ' ');
  let base = ALIASES[spelled] ?? ALIASES[name.toLowerCase()] ?? spelled.toUpperCase();
  if (unsigned && UNSIGNED[base]) base = UNSIGNED[base];
  if (base === 'STRUCT' && inner !== undefined) return { base, params: [], fields: splitTopLevel(inner).map(parseStructField) };
  if (base === 'MAP' && inner !== undefined) {
    const [key, value] = splitTopLevel(inner);
    return { base, params: [], key: parseType(key), element: parseType(value ?? 'VARCHAR') };
  }
  if (base === 'LIST' && inner !== undefined) return { base, params: [], element: parseType(inner) };
  const params =
    inner === undefined || IGNORED_PARAMS.has(base)
      ? []
      : splitTopLevel(inner).map(Number).filter((n) => Number.isFinite(n));
  return { base, params };
}

/** The canonical DuckDB spelling of a parsed type, e.g. `DECIMAL(10,2)`, `VARCHAR(40)`, `INTEGER[]`. */
export function formatType(type: ParsedType): string {
  switch (type.base) {
    case 'LIST':
      return `${formatType(type.element!)}[]`;
    case 'ARRAY':
      return `${formatType(type.element!)}[${type.size}]`;
    case 'MAP':
      return `MAP(${formatType(type.key!)}, ${formatType(type.element!)})`;
    case 'STRUCT':
      return `STRUCT(${type.fields!.map((f) => `${/^[a-z_][a-z0-9_]*$/i.test(f.name) ? f.name : `"${f.name.replace(/"/g, '""')}"`} ${formatType(f.type)}`).join(', ')})`;
    default:
      return type.params.length ? `${type.base}(${type.params.join(',')})` : type.base;
  }
}

/** A type name in canonical DuckDB spelling (`int4` becomes `INTEGER`). */
export const normaliseType = (text: string): string => formatType(parseType(text));
