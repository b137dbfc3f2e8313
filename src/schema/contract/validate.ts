import { isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import { closestWord } from '../similarity.js';
import type { Spec } from './spec.js';

/** A problem in a contract file, at a line (1-based). */
export interface ContractIssue {
  line: number;
  column: number;
  message: string;
}

const kindOf = (node: unknown): string => {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const value = node.value;
    if (value === null) return 'null';
    return `${typeof value} ${JSON.stringify(value)}`;
  }
  return 'nothing';
};

/**
 * Checks a parsed YAML/JSON node against a spec, collecting every unknown key, wrong type, missing required
 * key and value outside an enumeration, each with the line it is on.
 */
export class ContractValidator {
  readonly issues: ContractIssue[] = [];

  constructor(
    private readonly lines: LineCounter,
    /** Added to reported lines, for documents embedded in a larger file. */
    private readonly lineOffset = 0,
  ) {}

  /** Line (1-based, in the whole file) where `node` starts. */
  lineOf(node: Node | null | undefined): { line: number; column: number } {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(offset);
    return { line: line + this.lineOffset, column: col };
  }

  report(node: Node | null | undefined, message: string): void {
    this.issues.push({ ...this.lineOf(node), message });
  }

  validate(node: Node | null | undefined, spec: Spec, path: string): void {
    if (spec.type === 'any') return;
    if (spec.type === 'oneOf') {
      const trial = new ContractValidator(this.lines, this.lineOffset);
      const fits = spec.options.some((option) => {
        trial.issues.length = 0;
        trial.validate(node, option, path);
        return trial.issues.length === 0;
      });
      if (!fits) this.report(node, `${path} must be ${spec.label}, got ${kindOf(node)}`);
      return;
    }
    if (spec.type === 'object') return this.validateMap(node, spec, path);
    if (spec.type === 'array') {
      if (!isSeq(node)) return this.report(node, `${path} must be a list, got ${kindOf(node)}`);
      node.items.forEach((item, i) => {
        const name = isMap(item) ? item.get('name') : undefined;
        this.validate(item as Node, spec.items, `${path}[${typeof name === 'string' ? JSON.stringify(name) : i}]`);
      });
      return;
    }
    if (spec.type === 'numberPair') {
      const values = isSeq(node) ? node.items.map((item) => (isScalar(item) ? item.value : undefined)) : [];
      if (values.length !== 2 || values.some((v) => typeof v !== 'number')) {
        return this.report(node, `${path} must be a list of two numbers [low, high], got ${kindOf(node)}`);
      }
      if ((values[0] as number) > (values[1] as number)) this.report(node, `${path} must list the smaller number first`);
      return;
    }
    if (!isScalar(node)) return this.report(node, `${path} must be ${spec.type === 'integer' ? 'an integer' : `a ${spec.type}`}, got ${kindOf(node)}`);
    const value = node.value;
    const fits =
      spec.type === 'scalar'
        ? value !== null && typeof value !== 'object'
        : spec.type === 'integer'
          ? typeof value === 'number' && Number.isInteger(value)
          : typeof value === spec.type;
    if (!fits) {
      const quoteHint = spec.type === 'string' && (typeof value === 'number' || typeof value === 'boolean') ? ' (quote it)' : '';
      const boolHint = spec.type === 'boolean' && typeof value === 'string' ? ' (write true or false)' : '';
      const article = spec.type === 'integer' ? 'an integer' : spec.type === 'scalar' ? 'a number or text' : `a ${spec.type}`;
      return this.report(node, `${path} must be ${article}, got ${kindOf(node)}${quoteHint}${boolHint}`);
    }
    if (spec.enum && !spec.enum.includes(String(value))) {
      const near = closestWord(String(value), spec.enum);
      this.report(node, `${path} must be one of ${spec.enum.join(', ')}; got ${JSON.stringify(value)}${near ? ` (did you mean ${near}?)` : ''}`);
    }
  }

  private validateMap(node: Node | null | undefined, spec: Extract<Spec, { type: 'object' }>, path: string): void {
    if (!isMap(node)) return this.report(node, `${path} must be a mapping, got ${kindOf(node)}`);
    const seen = new Set<string>();
    for (const pair of node.items) {
      const keyNode = pair.key as Node;
      const key = isScalar(keyNode) ? String(keyNode.value) : '';
      seen.add(key);
      const field = spec.fields?.[key];
      if (!field) {
        if (spec.open) continue;
        const known = Object.keys(spec.fields ?? {});
        const near = closestWord(key, known);
        this.report(keyNode, `unknown key "${key}" in ${path}${near ? ` (did you mean "${near}"?)` : ''}`);
        continue;
      }
      this.validate(pair.value as Node, field, `${path}.${key}`);
    }
    for (const required of spec.required ?? []) {
      if (!seen.has(required)) this.report(node, `${path} is missing the required key "${required}"`);
    }
  }
}
