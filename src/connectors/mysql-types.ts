import type { TextColumn } from './text-loader.js';

/** What the MySQL protocol says about a result column (mysql2's FieldPacket). */
export interface MysqlField {
  name: string;
  columnType?: number;
  flags: number | string[];
  decimals: number;
  columnLength?: number;
  characterSet?: number;
  extendedFormat?: string;
}

const UNSIGNED = 32;
const BINARY_CHARSET = 63;
const INTEGER_TYPES: Record<number, string> = { 1: 'tinyint', 2: 'smallint', 3: 'int', 9: 'mediumint', 8: 'bigint', 13: 'year' };
const BLOB_TYPES = new Set([249, 250, 251, 252, 253, 254, 15]);

/** The MySQL type text (as information_schema's COLUMN_TYPE writes it) of a result column. */
export function mysqlFieldType(field: MysqlField): string {
  const type = field.columnType ?? -1;
  const unsigned = typeof field.flags === 'number' ? (field.flags & UNSIGNED) !== 0 : field.flags.includes('UNSIGNED');
  if (field.extendedFormat === 'json' || type === 245) return 'json';
  if (INTEGER_TYPES[type]) return `${INTEGER_TYPES[type]}${unsigned ? ' unsigned' : ''}`;
  if (type === 0 || type === 246) {
    const precision = (field.columnLength ?? 0) - (field.decimals > 0 ? 1 : 0) - (unsigned ? 0 : 1);
    return `decimal(${precision},${field.decimals})`;
  }
  const named: Record<number, string> = { 4: 'float', 5: 'double', 7: 'timestamp', 10: 'date', 14: 'date', 11: 'time', 12: 'datetime', 16: 'bit', 247: 'enum', 248: 'set', 255: 'geometry' };
  if (named[type]) return named[type];
  if (BLOB_TYPES.has(type)) return field.characterSet === BINARY_CHARSET ? 'blob' : 'text';
  return 'text';
}

const SCALARS: Array<[RegExp, string]> = [
  [/^tinyint(\(\d+\))? unsigned/, 'UTINYINT'],
  [/^tinyint/, 'TINYINT'],
  [/^smallint(\(\d+\))? unsigned/, 'USMALLINT'],
  [/^smallint/, 'SMALLINT'],
  [/^(int|mediumint)(\(\d+\))? unsigned/, 'UINTEGER'],
  [/^(int|mediumint|year)/, 'INTEGER'],
  [/^bigint(\(\d+\))? unsigned/, 'UBIGINT'],
  [/^bigint/, 'BIGINT'],
  [/^float/, 'FLOAT'],
  [/^(double|real)/, 'DOUBLE'],
  [/^datetime/, 'TIMESTAMP'],
  [/^timestamp/, 'TIMESTAMPTZ'],
  [/^date$/, 'DATE'],
  [/^json$/, 'JSON'],
  [/^(bit|geometry|point|linestring|polygon)/, 'BLOB'],
  [/^(tiny|medium|long)?blob|^(var)?binary/, 'BLOB'],
];

/** The DuckDB type for a MySQL/MariaDB column type text (time and unknown types load as text). */
export function mysqlTypeToDuckDB(columnType: string): string {
  const text = columnType.toLowerCase();
  const decimal = /^decimal\((\d+),(\d+)\)/.exec(text);
  if (decimal) return Number(decimal[1]) <= 38 ? `DECIMAL(${decimal[1]},${decimal[2]})` : 'DOUBLE';
  return SCALARS.find(([pattern]) => pattern.test(text))?.[1] ?? 'VARCHAR';
}

/**
 * How a MySQL column's text lands in DuckDB: binary as hex, TIMESTAMP read in UTC, and zero dates
 * ('0000-00-00'), which MySQL allows, as NULL.
 */
export function mysqlTextColumn(name: string, columnType: string): TextColumn {
  const duckdbType = mysqlTypeToDuckDB(columnType);
  if (duckdbType === 'BLOB') return { name, duckdbType, convert: (c) => `from_hex(${c})` };
  if (duckdbType === 'TIMESTAMPTZ') return { name, duckdbType, convert: (c) => `TRY_CAST(${c} || '+00' AS TIMESTAMPTZ)` };
  if (duckdbType === 'TIMESTAMP' || duckdbType === 'DATE') return { name, duckdbType, convert: (c) => `TRY_CAST(${c} AS ${duckdbType})` };
  return { name, duckdbType };
}
