import { quoteIdent } from '../../sql/identifiers.js';
import { parseType } from '../type-name.js';

/** SQL text with its bound parameters ($1, $2, ... in order). */
export interface BoundSql {
  text: string;
  params: unknown[];
}

const NUMERIC = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT', 'FLOAT', 'DOUBLE', 'DECIMAL']);
const TEXTUAL = new Set(['VARCHAR', 'UUID', 'JSON']);

/** Builds one predicate or query, numbering its parameters as it goes. */
export class SqlBuilder {
  readonly params: unknown[] = [];

  /** A placeholder for `value`, compared against a column of DuckDB type `columnType`. */
  value(value: unknown, columnType: string): string {
    const base = parseType(columnType).base;
    if (value === null || value === undefined) return 'NULL';
    if (TEXTUAL.has(base) || base.startsWith('ENUM')) return this.bind(String(value));
    if (NUMERIC.has(base) && typeof value === 'number') return this.bind(value);
    // Dates, times, booleans: the text form cast to the column's type, so '2024-01-01' compares as a DATE.
    return `CAST(${this.bind(String(value))} AS ${columnType})`;
  }

  /** A placeholder for a plain parameter (a pattern, a text value). */
  bind(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** The finished SQL with the parameters bound so far. */
  sql(text: string): BoundSql {
    return { text, params: [...this.params] };
  }
}

/** A column as an SQL expression. */
export const column = (name: string): string => quoteIdent(name);
