/** Quotes an SQL identifier (DuckDB, Postgres and standard SQL): `a"b` becomes `"a""b"`. */
export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Quotes a MySQL identifier with backticks. */
export const quoteMysqlIdent = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

/** Quotes each part of a dotted name: `quoteQualified('pg', 'public', 't')` is `"pg"."public"."t"`. */
export const quoteQualified = (...parts: string[]): string => parts.map(quoteIdent).join('.');

/**
 * A DuckDB string literal. Only for places DuckDB cannot take a bound parameter (ATTACH paths, view bodies
 * over files); values in queries are always bound.
 */
export const quoteLiteral = (text: string): string => `'${text.replace(/'/g, "''")}'`;

let counter = 0;
/** A fresh name for a temporary object in the embedded DuckDB. */
export const tempName = (prefix: string): string => `__dk_${prefix}_${process.pid}_${++counter}`;
