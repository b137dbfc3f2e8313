import type { BoundSql } from './sql-builder.js';

/** An ODCS comparison: `mustBe`, `mustBeBetween`, ... and the value compared to. */
export interface Threshold {
  op: string;
  value: unknown;
}

/** How a planned check is measured. */
export type CheckMeasure =
  /** Decided while planning (a missing column, a type mismatch). */
  | { type: 'static'; passed: boolean; observed: string }
  /** Rows that violate `where`; passes when their count (or `metric`) meets the thresholds (default: none). */
  | { type: 'rows'; where: BoundSql; metric?: BoundSql; unit: 'rows' | 'percent'; thresholds: Threshold[] }
  /** One value from a query, compared to the thresholds; `age` values are milliseconds shown as a span. */
  | { type: 'value'; query: BoundSql; thresholds: Threshold[]; format?: 'age' }
  /** Not run, with the reason. */
  | { type: 'skipped'; reason: string };

/** A check derived from a contract, ready to run. */
export interface PlannedCheck {
  /** What is checked, e.g. `not_null`, `nullValues`, `physicalType`, a rule's own name. */
  name: string;
  /** The column (property) it is about, if any. */
  column?: string;
  /** The expectation in words, e.g. `= 0 rows`, `no NULLs`, `VARCHAR`. */
  expected: string;
  /** Where the rule came from: schema, odcs, sql, dbt, greatExpectations. */
  origin: string;
  /** The contract line that asks for it. */
  line?: number;
  measure: CheckMeasure;
}

const OPERATOR_TEXT: Record<string, string> = {
  mustBe: '=',
  mustNotBe: '!=',
  mustBeGreaterThan: '>',
  mustBeGreaterOrEqualTo: '>=',
  mustBeLessThan: '<',
  mustBeLessOrEqualTo: '<=',
};

/** The thresholds in words, e.g. `>= 10 and <= 20`, `between 1 and 5`. */
export function thresholdText(thresholds: Threshold[], unit = ''): string {
  const suffix = unit === '%' ? '%' : unit ? ` ${unit}` : '';
  return thresholds
    .map((t) => {
      if (t.op === 'mustBeBetween' || t.op === 'mustNotBeBetween') {
        const [low, high] = t.value as [number, number];
        return `${t.op === 'mustNotBeBetween' ? 'not ' : ''}between ${low} and ${high}${suffix} (exclusive)`;
      }
      return `${OPERATOR_TEXT[t.op]} ${String(t.value)}${suffix}`;
    })
    .join(' and ');
}

/** True when `observed` meets every threshold. */
export function meets(observed: unknown, thresholds: Threshold[]): boolean {
  return thresholds.every(({ op, value }) => {
    if (op === 'mustBe') return typeof value === 'number' ? Number(observed) === value : observed === value || String(observed) === String(value);
    if (op === 'mustNotBe') return typeof value === 'number' ? Number(observed) !== value : String(observed) !== String(value);
    const x = Number(observed);
    if (op === 'mustBeGreaterThan') return x > Number(value);
    if (op === 'mustBeGreaterOrEqualTo') return x >= Number(value);
    if (op === 'mustBeLessThan') return x < Number(value);
    if (op === 'mustBeLessOrEqualTo') return x <= Number(value);
    // ODCS: mustBeBetween [a, b] is mustBeGreaterThan a and mustBeLessThan b.
    const [low, high] = value as [number, number];
    const inside = x > low && x < high;
    return op === 'mustBeBetween' ? inside : !inside;
  });
}
