import { comparableType, type ColumnSchema, type TableSchema } from '../model.js';
import { normaliseType, parseType } from '../type-name.js';
import { thresholdText, type CheckMeasure, type PlannedCheck, type Threshold } from './checks.js';
import type { DataTest } from './data-tests.js';
import type { ContractFile, OdcsProperty, OdcsQuality } from './model.js';
import { OPERATORS } from './spec.js';
import { acceptedCheck, duplicates, nullCount, rangeCheck, regexCheck, type CheckBody } from './row-checks.js';
import { column, SqlBuilder, type BoundSql } from './sql-builder.js';

type Path = Array<string | number>;

interface Scope {
  file: ContractFile;
  relation: string;
  columns: Map<string, ColumnSchema>;
  checks: PlannedCheck[];
}

const LOGICAL: Array<[RegExp, string]> = [
  [/^U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?$/, 'integer'],
  [/^(FLOAT|DOUBLE|DECIMAL)$/, 'number'],
  [/^(VARCHAR|UUID|ENUM.*)$/, 'string'],
  [/^BOOLEAN$/, 'boolean'],
  [/^DATE$/, 'date'],
  [/^TIMESTAMP/, 'timestamp'],
  [/^TIME/, 'time'],
  [/^(LIST|ARRAY)$/, 'array'],
  [/^(STRUCT|JSON)$/, 'object'],
  [/^MAP$/, 'map'],
];

/** The ODCS logical type of a DuckDB type. */
export function logicalTypeOf(duckdbType: string): string {
  const base = parseType(duckdbType).base;
  return LOGICAL.find(([pattern]) => pattern.test(base))?.[1] ?? 'string';
}

// ODCS 3.0 had no timestamp/time logical types: `date` covered them; `number` covers integers.
const logicalFits = (declared: string, actual: string) =>
  declared === actual || (declared === 'number' && actual === 'integer') || (declared === 'date' && (actual === 'timestamp' || actual === 'time'));

function thresholdsOf(rule: OdcsQuality): Threshold[] {
  return OPERATORS.filter((op) => rule[op] !== undefined).map((op) => ({ op, value: rule[op] }));
}

function add(scope: Scope, check: Omit<PlannedCheck, 'line'>, path: Path): void {
  scope.checks.push({ ...check, line: scope.file.lineOf(path) });
}

/** The checks a column's own keys ask for: presence, types, required, unique, bounds, length, pattern, enum. */
function propertyChecks(scope: Scope, property: OdcsProperty, path: Path): ColumnSchema | undefined {
  const actual = scope.columns.get(property.name) ?? [...scope.columns.values()].find((c) => c.name.toLowerCase() === property.name.toLowerCase());
  add(scope, { name: 'exists', column: property.name, expected: 'column present', origin: 'schema', measure: { type: 'static', passed: !!actual, observed: actual ? 'present' : 'missing' } }, path);
  if (!actual) return undefined;
  const type = comparableType(actual);
  if (property.logicalType) {
    const logical = logicalTypeOf(actual.duckdbType);
    add(scope, { name: 'logicalType', column: actual.name, expected: property.logicalType, origin: 'schema', measure: { type: 'static', passed: logicalFits(property.logicalType, logical), observed: `${logical} (${type})` } }, [...path, 'logicalType']);
  }
  if (property.physicalType) {
    const declared = parseType(property.physicalType);
    const found = [normaliseType(type), normaliseType(actual.sourceType)];
    const unboundedText = declared.base === 'VARCHAR' && declared.params.length === 1 && parseType(type).base === 'VARCHAR' && !parseType(type).params.length;
    const sameType = found.includes(normaliseType(property.physicalType)) || unboundedText;
    add(scope, { name: 'physicalType', column: actual.name, expected: normaliseType(property.physicalType), origin: 'schema', measure: { type: 'static', passed: sameType, observed: type } }, [...path, 'physicalType']);
    if (unboundedText) {
      const b = new SqlBuilder();
      const where = b.sql(`length(${column(actual.name)}) > ${b.bind(declared.params[0])}`);
      add(scope, { name: 'maxLength', column: actual.name, expected: `at most ${declared.params[0]} characters (${property.physicalType})`, origin: 'schema', measure: { type: 'rows', where, unit: 'rows', thresholds: [] } }, [...path, 'physicalType']);
    }
  }
  if (property.required) {
    add(scope, { name: 'required', column: actual.name, expected: 'no NULLs', origin: 'schema', measure: { type: 'rows', where: nullCount(actual.name), unit: 'rows', thresholds: [] } }, [...path, 'required']);
  }
  if (property.unique) {
    add(scope, { name: 'unique', column: actual.name, expected: 'no duplicate values', origin: 'schema', measure: { type: 'rows', ...duplicates(scope.relation, [actual.name]), unit: 'rows', thresholds: [] } }, [...path, 'unique']);
  }
  const options = property.logicalTypeOptions ?? {};
  const exclusive = (flag: unknown, bound: unknown) => (typeof flag === 'number' || typeof flag === 'string' ? { bound: flag, strict: true } : { bound, strict: flag === true });
  const low = exclusive(options.exclusiveMinimum, options.minimum);
  const high = exclusive(options.exclusiveMaximum, options.maximum);
  if (low.bound !== undefined || high.bound !== undefined) {
    add(scope, { ...rangeCheck(actual, low.bound, high.bound, low.strict, high.strict), origin: 'schema' }, [...path, 'logicalTypeOptions']);
  }
  if (options.minLength !== undefined || options.maxLength !== undefined) {
    const b = new SqlBuilder();
    const parts = [];
    if (options.minLength !== undefined) parts.push(`length(CAST(${column(actual.name)} AS VARCHAR)) < ${b.bind(options.minLength)}`);
    if (options.maxLength !== undefined) parts.push(`length(CAST(${column(actual.name)} AS VARCHAR)) > ${b.bind(options.maxLength)}`);
    add(scope, { name: 'length', column: actual.name, expected: `length ${[options.minLength !== undefined ? `>= ${options.minLength}` : '', options.maxLength !== undefined ? `<= ${options.maxLength}` : ''].filter(Boolean).join(' and ')}`, origin: 'schema', measure: { type: 'rows', where: b.sql(parts.join(' OR ')), unit: 'rows', thresholds: [] } }, [...path, 'logicalTypeOptions']);
  }
  if (options.pattern !== undefined) add(scope, { ...regexCheck(actual, options.pattern), origin: 'schema' }, [...path, 'logicalTypeOptions', 'pattern']);
  if (property.enum) add(scope, { ...acceptedCheck(actual, property.enum), origin: 'schema' }, [...path, 'enum']);
  return actual;
}

/** An ODCS library metric as a check: rows that count towards it, compared with its operators. */
function libraryCheck(scope: Scope, rule: OdcsQuality, actual: ColumnSchema | undefined): CheckBody {
  const metric = rule.metric ?? rule.rule ?? '';
  const given = thresholdsOf(rule);
  const unit = rule.unit ?? 'rows';
  const label = rule.name ?? metric;
  const args = rule.arguments ?? {};
  const rowsMeasure = (where: BoundSql, extra: Partial<Extract<CheckMeasure, { type: 'rows' }>> = {}): CheckMeasure => ({
    type: 'rows',
    where,
    unit,
    thresholds: given.length ? given : [{ op: 'mustBe', value: 0 }],
    ...extra,
  });
  const expected = (thresholds: Threshold[]) => `${metric} ${thresholdText(thresholds, unit === 'percent' ? '%' : unit)}`;
  if (metric === 'rowCount') {
    const thresholds = given.length ? given : [{ op: 'mustBeGreaterThan', value: 0 }];
    return { name: label, expected: expected(thresholds), measure: { type: 'value', query: { text: `SELECT count(*) FROM ${scope.relation}`, params: [] }, thresholds } };
  }
  const names = args.properties?.length ? args.properties : actual ? [actual.name] : [];
  if (metric === 'duplicateValues' && names.length) {
    const { where, metric: count } = duplicates(scope.relation, names);
    return { name: label, column: names.join(', '), expected: expected(given.length ? given : [{ op: 'mustBe', value: 0 }]), measure: rowsMeasure(where, { metric: count }) };
  }
  if (!actual) return { name: label, expected: metric, measure: { type: 'skipped', reason: `${metric} needs a property (put the rule under a property)` } };
  const c = column(actual.name);
  const b = new SqlBuilder();
  let where: string;
  if (metric === 'nullValues') where = `${c} IS NULL`;
  else if (metric === 'missingValues') {
    const missing = args.missingValues ?? [null, ''];
    const listed = missing.filter((v) => v !== null).map((v) => b.bind(String(v)));
    where = [missing.includes(null) ? `${c} IS NULL` : '', listed.length ? `CAST(${c} AS VARCHAR) IN (${listed.join(', ')})` : ''].filter(Boolean).join(' OR ') || 'false';
  } else if (metric === 'invalidValues') {
    const parts: string[] = [];
    if (args.validValues) parts.push(`${c} NOT IN (${args.validValues.filter((v) => v !== null).map((v) => b.value(v, actual.duckdbType)).join(', ') || 'NULL'})`);
    if (args.pattern) parts.push(`NOT regexp_matches(CAST(${c} AS VARCHAR), ${b.bind(args.pattern)})`);
    if (!parts.length) return { name: label, column: actual.name, expected: metric, measure: { type: 'skipped', reason: 'invalidValues needs arguments.validValues or arguments.pattern' } };
    where = `${c} IS NOT NULL AND (${parts.join(' OR ')})`;
  } else return { name: label, column: actual.name, expected: metric, measure: { type: 'skipped', reason: `unknown library metric ${metric}` } };
  return { name: label, column: actual.name, expected: expected(given.length ? given : [{ op: 'mustBe', value: 0 }]), measure: rowsMeasure(b.sql(where)) };
}

/** A dbt / Great Expectations test as a check; `actual` is the property it sits under, if any. */
function dataTestCheck(scope: Scope, test: DataTest, actual: ColumnSchema | undefined): CheckBody {
  const name = 'column' in test && test.column ? test.column : actual?.name;
  const target = name ? (scope.columns.get(name) ?? [...scope.columns.values()].find((c) => c.name.toLowerCase() === name.toLowerCase())) : undefined;
  if (test.test === 'row_count') {
    const thresholds: Threshold[] = [];
    if (test.min !== undefined) thresholds.push({ op: 'mustBeGreaterOrEqualTo', value: test.min });
    if (test.max !== undefined) thresholds.push({ op: 'mustBeLessOrEqualTo', value: test.max });
    return { name: 'row_count', expected: `rows ${thresholdText(thresholds) || 'any'}`, measure: { type: 'value', query: { text: `SELECT count(*) FROM ${scope.relation}`, params: [] }, thresholds } };
  }
  if (!target) {
    return { name: test.test, column: name, expected: test.test, measure: name ? { type: 'static', passed: false, observed: `column ${name} missing` } : { type: 'skipped', reason: `${test.test} needs a column (put it under a property or give column:)` } };
  }
  const c = column(target.name);
  switch (test.test) {
    case 'not_null':
      return { name: 'not_null', column: target.name, expected: 'no NULLs', measure: { type: 'rows', where: nullCount(target.name), unit: 'rows', thresholds: [] } };
    case 'unique':
      return { name: 'unique', column: target.name, expected: 'no duplicate values', measure: { type: 'rows', ...duplicates(scope.relation, [target.name]), unit: 'rows', thresholds: [] } };
    case 'accepted_values':
      return acceptedCheck(target, test.values);
    case 'range':
      return rangeCheck(target, test.min, test.max, !test.inclusive, !test.inclusive);
    case 'regex':
      return regexCheck(target, test.pattern);
    case 'freshness': {
      const base = parseType(target.duckdbType).base;
      const latest = base === 'TIMESTAMP WITH TIME ZONE' ? `max(${c})` : `max(${c})::TIMESTAMP`;
      return {
        name: 'freshness',
        column: target.name,
        expected: `newest value at most ${test.maxAge} old`,
        measure: { type: 'value', query: { text: `SELECT epoch_ms(now()) - epoch_ms(${latest}) FROM ${scope.relation}`, params: [] }, thresholds: [{ op: 'mustBeLessOrEqualTo', value: test.maxAgeMs }], format: 'age' },
      };
    }
  }
}

/** An ODCS `sql` rule: `{object}`/`{table}` and `{property}`/`{column}` are replaced, the first value compared. */
function sqlCheck(scope: Scope, rule: OdcsQuality, actual: ColumnSchema | undefined): CheckBody {
  const text = (rule.query ?? '')
    .replace(/\$?\{(object|table)\}/g, scope.relation)
    .replace(/\$?\{(property|column)\}/g, actual ? column(actual.name) : '{property}');
  const thresholds = thresholdsOf(rule);
  return { name: rule.name ?? 'sql', column: actual?.name, expected: `query ${thresholdText(thresholds) || 'runs'}`, measure: { type: 'value', query: { text, params: [] }, thresholds } };
}

function qualityChecks(scope: Scope, rules: OdcsQuality[] | undefined, actual: ColumnSchema | undefined, path: Path, missingColumn?: string): void {
  (rules ?? []).forEach((rule, k) => {
    const at = [...path, 'quality', k];
    const type = rule.type ?? 'library';
    if (missingColumn) {
      add(scope, { name: rule.name ?? rule.metric ?? type, column: missingColumn, expected: type, origin: 'odcs', measure: { type: 'skipped', reason: `column ${missingColumn} missing` } }, at);
      return;
    }
    if (type === 'library') return add(scope, { ...libraryCheck(scope, rule, actual), origin: 'odcs' }, at);
    if (type === 'sql') return add(scope, { ...sqlCheck(scope, rule, actual), origin: 'sql' }, at);
    if (type === 'text') return add(scope, { name: rule.name ?? 'text', column: actual?.name, expected: rule.description ?? '', origin: 'odcs', measure: { type: 'skipped', reason: 'text rules are for people' } }, at);
    const test = scope.file.dataTests.get(at.join('.'));
    if (!test) {
      add(scope, { name: rule.name ?? `custom ${rule.engine}`, column: actual?.name, expected: String(rule.engine), origin: String(rule.engine), measure: { type: 'skipped', reason: `engine ${rule.engine} is not run by datakernel (dbt and greatExpectations are)` } }, at);
      return;
    }
    const body = dataTestCheck(scope, test, actual);
    add(scope, { ...body, name: rule.name ?? body.name, origin: String(rule.engine) }, at);
  });
}

/** Every check a contract's schema object asks of a table with `schema`, whose data is `relation`. */
export function planChecks(file: ContractFile, objectIndex: number, schema: TableSchema, relation: string): PlannedCheck[] {
  const object = file.contract.schema![objectIndex];
  const scope: Scope = { file, relation, columns: new Map(schema.columns.map((c) => [c.name, c])), checks: [] };
  const path: Path = ['schema', objectIndex];
  const properties = object.properties ?? [];
  properties.forEach((property, j) => {
    const at = [...path, 'properties', j];
    const actual = propertyChecks(scope, property, at);
    qualityChecks(scope, property.quality, actual, at, actual ? undefined : property.name);
  });
  const keys = properties.filter((p) => p.primaryKey).sort((a, b) => (a.primaryKeyPosition ?? 0) - (b.primaryKeyPosition ?? 0));
  const keyColumns = keys.map((p) => scope.columns.get(p.name)?.name).filter((n): n is string => !!n);
  if (keys.length && keyColumns.length === keys.length) {
    const at = [...path, 'properties', properties.indexOf(keys[0]), 'primaryKey'];
    for (const name of keyColumns) add(scope, { name: 'primaryKey not null', column: name, expected: 'no NULLs', origin: 'schema', measure: { type: 'rows', where: nullCount(name), unit: 'rows', thresholds: [] } }, at);
    add(scope, { name: 'primaryKey unique', column: keyColumns.join(', '), expected: 'no duplicate keys', origin: 'schema', measure: { type: 'rows', ...duplicates(relation, keyColumns), unit: 'rows', thresholds: [] } }, at);
  }
  qualityChecks(scope, object.quality, undefined, path);
  return scope.checks;
}
