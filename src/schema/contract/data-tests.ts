import { parseDuration } from '../duration.js';
import type { Spec } from './spec.js';

/** A dbt / Great Expectations style data test, in datakernel's canonical form. */
export type DataTest =
  | { test: 'not_null' | 'unique'; column?: string }
  | { test: 'accepted_values'; column?: string; values: unknown[] }
  | { test: 'range'; column?: string; min?: number | string; max?: number | string; inclusive: boolean }
  | { test: 'regex'; column?: string; pattern: string }
  | { test: 'row_count'; min?: number; max?: number }
  | { test: 'freshness'; column?: string; maxAgeMs: number; maxAge: string };

type Args = Record<string, unknown>;

/** One way of writing a data test: its arguments and how they become the canonical test. */
export interface TestForm {
  /** The arguments it takes. */
  args: Record<string, Spec>;
  required?: string[];
  toTest(args: Args): DataTest;
}

const str: Spec = { type: 'string' };
const num: Spec = { type: 'number' };
const scalar: Spec = { type: 'scalar' };
const bool: Spec = { type: 'boolean' };
const list: Spec = { type: 'array', items: { type: 'any' } };
const column = { column: str };

const col = (args: Args) => (args.column === undefined ? {} : { column: String(args.column) });
const bound = (value: unknown) => (value === undefined || value === null ? undefined : (value as number | string));
const count = (value: unknown) => (value === undefined || value === null ? undefined : Number(value));

const notNull: TestForm = { args: column, toTest: (a) => ({ test: 'not_null', ...col(a) }) };
const unique: TestForm = { args: column, toTest: (a) => ({ test: 'unique', ...col(a) }) };
const freshness = (maxAge: string, args: Args): DataTest => ({ test: 'freshness', ...col(args), maxAge, maxAgeMs: parseDuration(maxAge) });

/** dbt test names (core, dbt_utils, dbt_expectations) and datakernel's own short names. */
export const DBT_TESTS: Record<string, TestForm> = {
  not_null: notNull,
  unique,
  accepted_values: { args: { ...column, values: list, quote: bool }, required: ['values'], toTest: (a) => ({ test: 'accepted_values', ...col(a), values: a.values as unknown[] }) },
  range: { args: { ...column, min: scalar, max: scalar, inclusive: bool }, toTest: (a) => ({ test: 'range', ...col(a), min: bound(a.min), max: bound(a.max), inclusive: a.inclusive !== false }) },
  accepted_range: {
    args: { ...column, min_value: scalar, max_value: scalar, inclusive: bool },
    toTest: (a) => ({ test: 'range', ...col(a), min: bound(a.min_value), max: bound(a.max_value), inclusive: a.inclusive !== false }),
  },
  regex: { args: { ...column, pattern: str }, required: ['pattern'], toTest: (a) => ({ test: 'regex', ...col(a), pattern: String(a.pattern) }) },
  'dbt_expectations.expect_column_values_to_match_regex': {
    args: { ...column, regex: str },
    required: ['regex'],
    toTest: (a) => ({ test: 'regex', ...col(a), pattern: String(a.regex) }),
  },
  row_count: { args: { min: num, max: num }, toTest: (a) => ({ test: 'row_count', min: count(a.min), max: count(a.max) }) },
  'dbt_expectations.expect_table_row_count_to_be_between': {
    args: { min_value: num, max_value: num },
    toTest: (a) => ({ test: 'row_count', min: count(a.min_value), max: count(a.max_value) }),
  },
  freshness: { args: { ...column, max_age: scalar }, required: ['max_age'], toTest: (a) => freshness(String(a.max_age), a) },
  'dbt_utils.recency': {
    args: { field: str, datepart: str, interval: num },
    required: ['datepart', 'interval'],
    toTest: (a) => freshness(`${a.interval} ${a.datepart}`, a.field === undefined ? {} : { column: a.field }),
  },
};
DBT_TESTS['dbt_utils.accepted_range'] = DBT_TESTS.accepted_range;

/** Great Expectations expectation types (`type` + `kwargs`). */
export const GE_EXPECTATIONS: Record<string, TestForm> = {
  expect_column_values_to_not_be_null: notNull,
  expect_column_values_to_be_unique: unique,
  expect_column_values_to_be_in_set: {
    args: { ...column, value_set: list },
    required: ['value_set'],
    toTest: (a) => ({ test: 'accepted_values', ...col(a), values: a.value_set as unknown[] }),
  },
  expect_column_values_to_be_between: {
    args: { ...column, min_value: scalar, max_value: scalar, strict_min: bool, strict_max: bool },
    toTest: (a) => ({ test: 'range', ...col(a), min: bound(a.min_value), max: bound(a.max_value), inclusive: !a.strict_min && !a.strict_max }),
  },
  expect_column_values_to_match_regex: { args: { ...column, regex: str }, required: ['regex'], toTest: (a) => ({ test: 'regex', ...col(a), pattern: String(a.regex) }) },
  expect_table_row_count_to_be_between: {
    args: { min_value: num, max_value: num },
    toTest: (a) => ({ test: 'row_count', min: count(a.min_value), max: count(a.max_value) }),
  },
};

/** The engines of ODCS `custom` quality rules that datakernel runs, by the names people write. */
export const ENGINES: Record<string, 'dbt' | 'greatExpectations'> = {
  dbt: 'dbt',
  greatexpectations: 'greatExpectations',
  great_expectations: 'greatExpectations',
  'great-expectations': 'greatExpectations',
  gx: 'greatExpectations',
};

/** The argument spec of a test form, for validation with line numbers. */
export const argsSpec = (form: TestForm): Spec => ({ type: 'object', fields: form.args, required: form.required });
