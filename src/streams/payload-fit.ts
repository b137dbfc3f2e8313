import { formatType, parseType, type ParsedType } from '../schema/type-name.js';
import { quoteLiteral } from '../sql/identifiers.js';
import { jsonPath, type PayloadField } from './infer-schema.js';

// The JSON kinds (json_type) of the values behind each type DuckDB's JSON reader infers: over values of these
// kinds alone, the reader infers that type again, except that BIGINT holds one sign only (the reader infers
// HUGEINT for non-negative and negative integers together; see PayloadFit.mixedSigns). Types missing here
// (temporal types, which the reader detects in strings with formats it does not report; JSON, which also stands
// for fields seen only as null; MAP; UBIGINT) have no kinds that pin them down, and payloads holding them are
// always inferred in full.
const KINDS: Record<string, readonly string[]> = {
  BIGINT: ['BIGINT', 'UBIGINT'],
  HUGEINT: ['BIGINT', 'UBIGINT'],
  DOUBLE: ['BIGINT', 'UBIGINT', 'DOUBLE'],
  VARCHAR: ['VARCHAR'],
  BOOLEAN: ['BOOLEAN'],
};

/** How to read payloads with a known type in one pass, and how to tell that a payload fits that type. */
export interface PayloadFit {
  /** The json_transform structure argument (SQL literal) that parses a payload into the fields' STRUCT. */
  structure: string;
  /** SQL select-list items computed once per payload (column `payload`), which `condition` reads by name. */
  probes: string;
  /**
   * SQL true when a payload (its json_transform result in column `j`, beside the probes) has no key outside the
   * fields, at any depth, and every value is null or of a kind its field's type holds without loss: a payload
   * the reader, looking at it with the messages the fields were inferred from, would not type differently.
   */
  condition: string;
  /**
   * Per BIGINT value or list of them, SQL select-list items (over the probes) flagging a payload with a negative
   * (`n1`, `n2`...) and a non-negative (`p1`, `p2`...) integer there; the part fits only if no field has both.
   */
  signs: string;
  /** SQL aggregate over the `signs` columns, true when some field holds integers of both signs. */
  mixedSigns: string;
}

const list = (values: readonly string[]) => `[${values.map(quoteLiteral).join(', ')}]`;
const member = (path: string, key: string) => `${path}${jsonPath(key).slice(1)}`;
const absent = (kind: string) => `(${kind} IS NULL OR ${kind} = 'NULL')`;

/** The fit of payloads to `fields` (as inferred from some of them), or undefined when their types have no fit. */
export function payloadFit(fields: readonly PayloadField[]): PayloadFit | undefined {
  if (fields.length === 0) return undefined;
  const root: ParsedType = { base: 'STRUCT', params: [], fields: fields.map((f) => ({ name: f.name, type: parseType(f.type) })) };
  // One json_type over every path and one json_keys over every object (two parses of a payload, whatever its
  // depth), plus one json_type per list for its elements.
  const paths: string[] = [];
  const checks: string[] = [];
  const objects: Array<{ path: string; keys: string[] }> = [];
  const elementProbes: string[] = [];
  const signs: Array<{ negative: string; positive: string }> = [];
  const kindAt = (path: string): string => `t[${paths.push(path)}]`;
  const walk = (type: ParsedType, path: string, value: string): boolean => {
    if (type.base === 'STRUCT' && type.fields?.length) {
      objects.push({ path, keys: type.fields.map((f) => f.name) });
      if (path !== '$') {
        const kind = kindAt(path);
        checks.push(`(${absent(kind)} OR ${kind} = 'OBJECT')`);
      }
      return type.fields.every((f) => walk(f.type, member(path, f.name), `struct_extract(${value}, ${quoteLiteral(f.name)})`));
    }
    const elementKinds = type.base === 'LIST' && type.element ? KINDS[type.element.base] : undefined;
    if (elementKinds) {
      const kind = kindAt(path);
      const elements = `e${elementProbes.push(`json_type(payload, ${quoteLiteral(`${path}[*]`)}) AS e${elementProbes.length + 1}`)}`;
      if (type.element!.base === 'BIGINT') signs.push({ negative: `list_contains(${elements}, 'BIGINT')`, positive: `list_contains(${elements}, 'UBIGINT')` });
      // Every element of a fitting kind, and as many non-null after the transform as before it (no overflow).
      checks.push(`(${absent(kind)} OR (${kind} = 'ARRAY' AND len(list_filter(${elements}, k -> k NOT IN ${list([...elementKinds, 'NULL'])})) = 0 AND len(list_filter(${elements}, k -> k <> 'NULL')) = len(list_filter(${value}, v -> v IS NOT NULL))))`);
      return true;
    }
    const kinds = KINDS[type.base];
    if (!kinds) return false;
    const kind = kindAt(path);
    if (type.base === 'BIGINT') signs.push({ negative: `${kind} = 'BIGINT'`, positive: `${kind} = 'UBIGINT'` });
    // A value the transform could not hold (an integer past BIGINT) turns NULL: a fit keeps every non-null value.
    checks.push(`(${absent(kind)} OR (${kind} IN ${list(kinds)} AND ${value} IS NOT NULL))`);
    return true;
  };
  if (!walk(root, '$', 'j')) return undefined;
  const probes = [`json_type(payload, ${list(paths)}) AS t`, `json_keys(payload, ${list(objects.map((o) => o.path))}) AS k`, ...elementProbes];
  // No key outside the fields: as many keys as fields present (a duplicate key counts too, and misfits).
  const present = (path: string) => `(t[${paths.indexOf(path) + 1}] IS NOT NULL)::INTEGER`;
  const keyChecks = objects.map((o, i) => `coalesce(len(k[${i + 1}]) = ${o.keys.map((key) => present(member(o.path, key))).join(' + ')}, true)`);
  return {
    structure: quoteLiteral(JSON.stringify(formatType(root))),
    probes: probes.join(', '),
    condition: [...checks, ...keyChecks].join(' AND '),
    signs: signs.flatMap((s, i) => [`coalesce(${s.negative}, false) AS n${i + 1}`, `coalesce(${s.positive}, false) AS p${i + 1}`]).join(', '),
    mixedSigns: signs.length ? signs.map((_, i) => `(bool_or(n${i + 1}) AND bool_or(p${i + 1}))`).join(' OR ') : 'false',
  };
}
