import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Node, type YAMLMap } from 'yaml';
import { DataKernelError } from '../../errors.js';
import { closestWord } from '../similarity.js';
import { argsSpec, DBT_TESTS, ENGINES, GE_EXPECTATIONS, type DataTest, type TestForm } from './data-tests.js';
import type { ContractFile, OdcsContract } from './model.js';
import { CONTRACT_SPEC } from './spec.js';
import { ContractValidator, type ContractIssue } from './validate.js';

const MAX_ISSUES_SHOWN = 20;

/** A contract file that does not parse or does not follow ODCS v3; each issue names its line. */
export class ContractError extends DataKernelError {
  constructor(
    readonly file: string,
    readonly issues: ContractIssue[],
  ) {
    const shown = issues.slice(0, MAX_ISSUES_SHOWN).map((i) => `  ${file}:${i.line}:${i.column}: ${i.message}`);
    if (issues.length > MAX_ISSUES_SHOWN) shown.push(`  ... and ${issues.length - MAX_ISSUES_SHOWN} more`);
    super(
      `Invalid data contract ${file} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${shown.join('\n')}`,
      'Fix the lines above. Contracts follow the Open Data Contract Standard v3 (apiVersion, kind: DataContract, id, version, status, schema[].properties[], quality[]); %schema contract TARGET writes a starter.',
    );
    this.name = 'ContractError';
  }
}

// Where an embedded document (a custom rule's implementation text) starts in the file.
function embeddedOffset(validator: ContractValidator, node: Scalar): number {
  const { line } = validator.lineOf(node);
  return node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED ? line : line - 1;
}

function testForm(forms: Record<string, TestForm>, name: string, engine: string, validator: ContractValidator, node: Node): TestForm | undefined {
  const form = forms[name];
  if (!form) {
    const near = closestWord(name, Object.keys(forms));
    validator.report(node, `unknown ${engine} test "${name}"${near ? ` (did you mean "${near}"?)` : ''}; known: ${Object.keys(forms).join(', ')}`);
  }
  return form;
}

/** True when the test needs no arguments; otherwise reports the missing ones. */
function requireNoArgs(form: TestForm, validator: ContractValidator, node: Node, path: string): boolean {
  for (const name of form.required ?? []) validator.report(node, `${path} is missing the required argument "${name}"`);
  return !form.required?.length;
}

function buildTest(form: TestForm, args: Record<string, unknown>, validator: ContractValidator, node: Node): DataTest | undefined {
  try {
    return form.toTest(args);
  } catch (error) {
    validator.report(node, (error as Error).message);
    return undefined;
  }
}

/** Reads a dbt test (`not_null`, `{accepted_values: {values: [...]}}`) or a GE expectation (`{type, kwargs}`). */
function readTest(engine: 'dbt' | 'greatExpectations', node: Node | null, validator: ContractValidator, path: string): DataTest | undefined {
  if (isScalar(node) && typeof node.value === 'string' && /^[\w.]+$/.test(node.value.trim())) {
    const form = testForm(engine === 'dbt' ? DBT_TESTS : GE_EXPECTATIONS, node.value.trim(), engine, validator, node);
    return form && requireNoArgs(form, validator, node, path) ? buildTest(form, {}, validator, node) : undefined;
  }
  if (isScalar(node) && typeof node.value === 'string') {
    const lines = new LineCounter();
    const inner = parseDocument(node.value, { lineCounter: lines });
    const offset = embeddedOffset(validator, node);
    const nested = new ContractValidator(lines, offset);
    for (const error of inner.errors) nested.issues.push({ line: (error.linePos?.[0].line ?? 1) + offset, column: error.linePos?.[0].col ?? 1, message: error.message.split('\n')[0] });
    const test = inner.errors.length ? undefined : readTest(engine, inner.contents as Node, nested, path);
    validator.issues.push(...nested.issues);
    return test;
  }
  if (!isMap(node)) {
    validator.report(node, `${path} must be a test name or a mapping, got ${isSeq(node) ? 'a list' : 'nothing'}`);
    return undefined;
  }
  const before = validator.issues.length;
  let form: TestForm | undefined;
  let argsNode: Node | null | undefined;
  if (engine === 'greatExpectations') {
    validator.validate(node, { type: 'object', required: ['type'], fields: { type: { type: 'string' }, kwargs: { type: 'object', open: true }, meta: { type: 'any' } } }, path);
    const type = node.get('type', true) as Node;
    if (isScalar(type) && typeof type.value === 'string') form = testForm(GE_EXPECTATIONS, type.value, 'Great Expectations', validator, type);
    argsNode = node.get('kwargs', true) as Node | undefined;
  } else {
    if (node.items.length !== 1) {
      validator.report(node, `${path} must name one dbt test, e.g. {accepted_values: {values: [a, b]}}`);
      return undefined;
    }
    const [pair] = node.items;
    const key = pair.key as Node;
    if (isScalar(key)) form = testForm(DBT_TESTS, String(key.value), 'dbt', validator, key);
    argsNode = pair.value as Node | null;
    // dbt 1.10 nests test arguments under `arguments:`.
    if (isMap(argsNode) && argsNode.has('arguments')) argsNode = argsNode.get('arguments', true) as Node;
  }
  if (!form) return undefined;
  const hasArgs = argsNode && !(isScalar(argsNode) && argsNode.value === null);
  if (hasArgs) validator.validate(argsNode, argsSpec(form), `${path} arguments`);
  else requireNoArgs(form, validator, node, path);
  if (validator.issues.length !== before) return undefined;
  const args = hasArgs ? ((argsNode as YAMLMap).toJSON() as Record<string, unknown>) : {};
  return buildTest(form, args, validator, argsNode ?? node);
}

type Path = Array<string | number>;

/** Every quality rule of the contract, with its path in the document. */
function qualityRules(contract: YAMLMap): Array<{ rule: YAMLMap; path: Path }> {
  const found: Array<{ rule: YAMLMap; path: Path }> = [];
  const collect = (owner: unknown, path: Path) => {
    const rules = isMap(owner) ? owner.get('quality', true) : undefined;
    if (isSeq(rules)) rules.items.forEach((rule, k) => isMap(rule) && found.push({ rule, path: [...path, 'quality', k] }));
  };
  const objects = contract.get('schema', true);
  if (!isSeq(objects)) return found;
  objects.items.forEach((object, i) => {
    collect(object, ['schema', i]);
    const properties = isMap(object) ? object.get('properties', true) : undefined;
    if (isSeq(properties)) properties.items.forEach((property, j) => collect(property, ['schema', i, 'properties', j]));
  });
  return found;
}

/** Checks what each kind of quality rule needs and reads dbt / GE custom rules into data tests. */
function checkRules(contract: YAMLMap, validator: ContractValidator): Map<string, DataTest> {
  const tests = new Map<string, DataTest>();
  for (const { rule, path } of qualityRules(contract)) {
    const label = `contract${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}`;
    const type = rule.get('type') ?? (rule.has('metric') || rule.has('rule') ? 'library' : undefined);
    if (type === undefined) validator.report(rule, `${label} needs a type (library, sql, custom, text) or a metric`);
    if (type === 'library' && !rule.has('metric') && !rule.has('rule')) validator.report(rule, `${label} is a library rule without a metric (nullValues, missingValues, invalidValues, duplicateValues, rowCount)`);
    if (type === 'sql' && typeof rule.get('query') !== 'string') validator.report(rule, `${label} is an sql rule without a query`);
    if (type !== 'custom') continue;
    const engineName = rule.get('engine');
    if (typeof engineName !== 'string' || !rule.has('implementation')) {
      validator.report(rule, `${label} is a custom rule; it needs an engine and an implementation`);
      continue;
    }
    const engine = ENGINES[engineName.toLowerCase()];
    if (!engine) continue;
    const test = readTest(engine, rule.get('implementation', true) as Node, validator, `${label}.implementation`);
    if (test) tests.set(path.join('.'), test);
  }
  return tests;
}

/** Parses and validates an ODCS v3 contract (YAML or JSON); problems raise a ContractError naming their lines. */
export function parseContract(text: string, file = 'contract'): ContractFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const validator = new ContractValidator(lines);
  for (const error of doc.errors) {
    validator.issues.push({ line: error.linePos?.[0].line ?? 1, column: error.linePos?.[0].col ?? 1, message: error.message.split('\n')[0] });
  }
  if (!doc.errors.length) validator.validate(doc.contents as Node, CONTRACT_SPEC, 'contract');
  const dataTests = isMap(doc.contents) && !validator.issues.length ? checkRules(doc.contents, validator) : new Map<string, DataTest>();
  if (validator.issues.length) throw new ContractError(file, validator.issues.sort((a, b) => a.line - b.line || a.column - b.column));
  return {
    file,
    contract: doc.toJS() as OdcsContract,
    dataTests,
    lineOf: (path) => {
      const node = doc.getIn(path, true) as Node | undefined;
      return node?.range ? validator.lineOf(node).line : undefined;
    },
  };
}

/** Reads a contract file (.yaml, .yml or .json). */
export function readContract(path: string, shownAs = path): ContractFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new DataKernelError(`Cannot read contract ${shownAs}`, 'Check the path; %schema contract TARGET --out FILE writes a starter contract.');
  }
  return parseContract(text, shownAs);
}
