import type { TextColumn } from './text-loader.js';

const SCALARS: Array<[RegExp, string]> = [
  [/^smallint$/, 'SMALLINT'],
  [/^integer$/, 'INTEGER'],
  [/^(bigint|oid)$/, 'BIGINT'],
  [/^real$/, 'FLOAT'],
  [/^double precision$/, 'DOUBLE'],
  [/^boolean$/, 'BOOLEAN'],
  [/^date$/, 'DATE'],
  [/^timestamp(\(\d\))? without time zone$/, 'TIMESTAMP'],
  [/^timestamp(\(\d\))? with time zone$/, 'TIMESTAMPTZ'],
  [/^time(\(\d\))? without time zone$/, 'TIME'],
  [/^time(\(\d\))? with time zone$/, 'TIMETZ'],
  [/^interval/, 'INTERVAL'],
  [/^jsonb?$/, 'JSON'],
  [/^uuid$/, 'UUID'],
  [/^bytea$/, 'BLOB'],
];

/** The DuckDB type for a Postgres type as format_type() prints it (unknown types load as text). */
export function pgTypeToDuckDB(formatted: string): string {
  const array = formatted.endsWith('[]');
  const base = formatted.replace(/(\[\])+$/, '');
  let type = SCALARS.find(([pattern]) => pattern.test(base))?.[1] ?? 'VARCHAR';
  const numeric = /^numeric(?:\((\d+),(\d+)\))?$/.exec(base);
  if (numeric) type = numeric[1] && Number(numeric[1]) <= 38 ? `DECIMAL(${numeric[1]},${numeric[2]})` : 'DOUBLE';
  if (array && type === 'BLOB') type = 'VARCHAR';
  return array ? `${type}${'[]'.repeat((formatted.match(/\[\]/g) ?? []).length)}` : type;
}

/** How a Postgres column's text lands in DuckDB: arrays arrive as JSON (see parsePgArray), bytea as \x hex. */
export function pgTextColumn(name: string, formatted: string): TextColumn {
  const duckdbType = pgTypeToDuckDB(formatted);
  if (duckdbType.endsWith('[]')) return { name, duckdbType, convert: (c) => `CAST(CAST(${c} AS JSON) AS ${duckdbType})` };
  if (duckdbType === 'BLOB') return { name, duckdbType, convert: (c) => `from_hex(substr(${c}, 3))` };
  return { name, duckdbType };
}
