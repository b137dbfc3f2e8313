import type { ColumnSchema } from '../model.js';
import type { PlannedCheck } from './checks.js';
import { column, SqlBuilder, type BoundSql } from './sql-builder.js';

/** A planned check before its origin and contract line are known. */
export type CheckBody = Omit<PlannedCheck, 'line' | 'origin'>;

/** Rows where the column is NULL. */
export const nullCount = (name: string): BoundSql => ({ text: `${column(name)} IS NULL`, params: [] });

/** Rows whose values in `names` repeat, and the count of repeats beyond the first. */
export function duplicates(relation: string, names: string[]): { where: BoundSql; metric: BoundSql } {
  const list = names.map(column).join(', ');
  const tuple = names.length === 1 ? list : `(${list})`;
  const notNull = names.map((n) => `${column(n)} IS NOT NULL`).join(' AND ');
  return {
    where: { text: `${tuple} IN (SELECT ${list} FROM ${relation} WHERE ${notNull} GROUP BY ALL HAVING count(*) > 1)`, params: [] },
    metric: { text: `SELECT count(*) - count(DISTINCT ${tuple}) FROM ${relation} WHERE ${notNull}`, params: [] },
  };
}

/** Values outside [min, max] (bounds exclusive when strict). */
export function rangeCheck(actual: ColumnSchema, min: unknown, max: unknown, strictMin: boolean, strictMax: boolean): CheckBody {
  const b = new SqlBuilder();
  const c = column(actual.name);
  const parts = [];
  if (min !== undefined) parts.push(`${c} ${strictMin ? '<=' : '<'} ${b.value(min, actual.duckdbType)}`);
  if (max !== undefined) parts.push(`${c} ${strictMax ? '>=' : '>'} ${b.value(max, actual.duckdbType)}`);
  const words = [min !== undefined ? `${strictMin ? '>' : '>='} ${min}` : '', max !== undefined ? `${strictMax ? '<' : '<='} ${max}` : ''].filter(Boolean).join(' and ');
  return { name: 'range', column: actual.name, expected: `values ${words}`, measure: { type: 'rows', where: b.sql(parts.join(' OR ')), unit: 'rows', thresholds: [] } };
}

/** Non-NULL values that do not match the pattern. */
export function regexCheck(actual: ColumnSchema, pattern: string): CheckBody {
  const b = new SqlBuilder();
  const c = column(actual.name);
  return { name: 'regex', column: actual.name, expected: `matches /${pattern}/`, measure: { type: 'rows', where: b.sql(`${c} IS NOT NULL AND NOT regexp_matches(CAST(${c} AS VARCHAR), ${b.bind(pattern)})`), unit: 'rows', thresholds: [] } };
}

/** Non-NULL values not in the list. */
export function acceptedCheck(actual: ColumnSchema, values: unknown[]): CheckBody {
  const b = new SqlBuilder();
  const c = column(actual.name);
  const list = values.filter((v) => v !== null).map((v) => b.value(v, actual.duckdbType));
  const where = list.length ? `${c} IS NOT NULL AND ${c} NOT IN (${list.join(', ')})` : `${c} IS NOT NULL`;
  return { name: 'accepted_values', column: actual.name, expected: `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`, measure: { type: 'rows', where: b.sql(where), unit: 'rows', thresholds: [] } };
}
