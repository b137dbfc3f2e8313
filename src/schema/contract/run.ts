import type { DuckDBConnection } from '@duckdb/node-api';
import { formatSpan } from '../time-text.js';
import { meets, thresholdText, type PlannedCheck } from './checks.js';
import type { BoundSql } from './sql-builder.js';

/** The outcome of one check. */
export interface CheckResult {
  name: string;
  column?: string;
  expected: string;
  origin: string;
  line?: number;
  status: 'pass' | 'fail' | 'error' | 'skipped';
  /** What was found, in words (a count, a percentage, an age, a type). */
  observed: string;
  /** Rows that violate the check, for row-level checks. */
  failingRows?: number;
  /** A few of the violating rows, for failed row-level checks. */
  sample?: Record<string, unknown>[];
  /** Why it errored or was skipped. */
  message?: string;
}

async function firstValue(connection: DuckDBConnection, sql: BoundSql): Promise<unknown> {
  const reader = await connection.runAndReadAll(sql.text, sql.params as never);
  const value = reader.getRowsJS()[0]?.[0];
  return typeof value === 'bigint' ? Number(value) : value;
}

async function runOne(connection: DuckDBConnection, relation: string, check: PlannedCheck, totalRows: number, sampleSize: number): Promise<Omit<CheckResult, keyof PlannedCheck>> {
  const measure = check.measure;
  switch (measure.type) {
    case 'static':
      return { status: measure.passed ? 'pass' : 'fail', observed: measure.observed };
    case 'skipped':
      return { status: 'skipped', observed: '', message: measure.reason };
    case 'value': {
      const value = await firstValue(connection, measure.query);
      const observed = value === null || value === undefined ? 'NULL' : measure.format === 'age' ? formatSpan(Number(value)) : String(value);
      const passed = value !== null && value !== undefined && meets(value, measure.thresholds);
      return { status: passed ? 'pass' : 'fail', observed };
    }
    case 'rows': {
      const where = measure.where;
      const failing = Number(measure.metric ? await firstValue(connection, measure.metric) : await firstValue(connection, { text: `SELECT count(*) FROM ${relation} WHERE ${where.text}`, params: where.params }));
      const value = measure.unit === 'percent' ? (totalRows ? (100 * failing) / totalRows : 0) : failing;
      const passed = measure.thresholds.length ? meets(value, measure.thresholds) : failing === 0;
      const observed = measure.unit === 'percent' ? `${value.toFixed(2)}% (${failing} rows)` : `${failing} row${failing === 1 ? '' : 's'}`;
      if (passed || failing === 0 || sampleSize <= 0) return { status: passed ? 'pass' : 'fail', observed, failingRows: failing };
      const reader = await connection.runAndReadAll(`SELECT * FROM ${relation} WHERE ${where.text} LIMIT ${Math.trunc(sampleSize)}`, where.params as never);
      return { status: 'fail', observed, failingRows: failing, sample: reader.getRowObjectsJS() as Record<string, unknown>[] };
    }
  }
}

/** Runs planned checks as SQL on `relation` in DuckDB; a check whose SQL fails is an `error`, the others go on. */
export async function runChecks(connection: DuckDBConnection, relation: string, checks: PlannedCheck[], sampleSize = 5): Promise<CheckResult[]> {
  const totalRows = Number(await firstValue(connection, { text: `SELECT count(*) FROM ${relation}`, params: [] }));
  const results: CheckResult[] = [];
  for (const check of checks) {
    const { measure, ...described } = check;
    try {
      results.push({ ...described, ...(await runOne(connection, relation, check, totalRows, sampleSize)) });
    } catch (error) {
      const message = (error as Error).message.split('\n')[0];
      results.push({ ...described, status: 'error', observed: '', message: measure.type === 'value' && measure.thresholds.length ? `${message} (expected ${thresholdText(measure.thresholds)})` : message });
    }
  }
  return results;
}
