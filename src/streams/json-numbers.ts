import { formatType, parseType, type ParsedType } from '../schema/type-name.js';

const INTEGERS = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT']);

// `after` itself when nothing is kept, so callers can tell.
function keep(before: ParsedType, after: ParsedType): ParsedType {
  if (before.base === 'DOUBLE' && INTEGERS.has(after.base)) return before;
  if (before.base === 'STRUCT' && after.base === 'STRUCT' && before.fields && after.fields) {
    const fields = after.fields.map((f) => {
      const old = before.fields!.find((b) => b.name === f.name);
      const type = old ? keep(old.type, f.type) : f.type;
      return type === f.type ? f : { name: f.name, type };
    });
    return fields.every((f, i) => f === after.fields![i]) ? after : { ...after, fields };
  }
  if ((before.base === 'LIST' || before.base === 'ARRAY') && after.base === before.base && before.element && after.element) {
    const element = keep(before.element, after.element);
    return element === after.element ? after : { ...after, element };
  }
  return after;
}

/**
 * `after` with each integer type replaced by DOUBLE where `before` has DOUBLE at the same place (top level, a
 * STRUCT field, a LIST element). JSON has one number type: an integer value (3) in a field whose values already
 * had fractions (2.5) is the same field, not a change, while an integer field that starts holding fractions is
 * a widening.
 */
export function keepJsonDoubles(before: string, after: string): string {
  if (before === after) return after;
  const parsed = parseType(after);
  const kept = keep(parseType(before), parsed);
  return kept === parsed ? after : formatType(kept);
}

/** `after`'s columns with keepJsonDoubles applied against the same-named columns of `before` (the same array when none changes). */
export function keepJsonDoublesIn<T extends { name: string; duckdbType: string; sourceType: string }>(before: readonly T[], after: T[]): T[] {
  let changed = false;
  const kept = after.map((column) => {
    const old = before.find((b) => b.name === column.name);
    const type = old ? keepJsonDoubles(old.duckdbType, column.duckdbType) : column.duckdbType;
    if (type === column.duckdbType) return column;
    changed = true;
    return { ...column, duckdbType: type, sourceType: type };
  });
  return changed ? kept : after;
}
