import { formatType, parseType, type ParsedType } from './type-name.js';

/** Whether values of one type fit another, and why. */
export interface TypeVerdict {
  compatible: boolean;
  reason: string;
}

const SIGNED_BITS: Record<string, number> = { TINYINT: 8, SMALLINT: 16, INTEGER: 32, BIGINT: 64, HUGEINT: 128 };
const UNSIGNED_BITS: Record<string, number> = { UTINYINT: 8, USMALLINT: 16, UINTEGER: 32, UBIGINT: 64, UHUGEINT: 128 };
// Decimal digits of the largest value of each integer type.
const DIGITS: Record<string, number> = {
  TINYINT: 3, SMALLINT: 5, INTEGER: 10, BIGINT: 19, HUGEINT: 39, UTINYINT: 3, USMALLINT: 5, UINTEGER: 10, UBIGINT: 20, UHUGEINT: 39,
};
const MANTISSA_BITS: Record<string, number> = { FLOAT: 24, DOUBLE: 53 };
const FLOAT_DIGITS: Record<string, number> = { FLOAT: 7, DOUBLE: 15 };
const TIMESTAMP_RANK: Record<string, number> = { TIMESTAMP_S: 0, TIMESTAMP_MS: 1, TIMESTAMP: 2, TIMESTAMP_NS: 3 };
const TEXT = new Set(['VARCHAR']);

const ok = (reason: string): TypeVerdict => ({ compatible: true, reason });
const breaks = (reason: string): TypeVerdict => ({ compatible: false, reason });

const isInteger = (t: ParsedType) => t.base in SIGNED_BITS || t.base in UNSIGNED_BITS;
// Bits of magnitude, which is what decides whether a float holds every value exactly.
const magnitudeBits = (t: ParsedType) => (t.base in SIGNED_BITS ? SIGNED_BITS[t.base] - 1 : UNSIGNED_BITS[t.base]);
const integerDigits = (t: ParsedType) => DIGITS[t.base];
// DuckDB reads a bare DECIMAL as DECIMAL(18,3).
const decimalParts = (t: ParsedType) => ({ precision: t.params[0] ?? 18, scale: t.params[1] ?? (t.params.length ? 0 : 3) });

function integerChange(from: ParsedType, to: ParsedType): TypeVerdict {
  const fromSigned = from.base in SIGNED_BITS;
  const toSigned = to.base in SIGNED_BITS;
  const fromBits = SIGNED_BITS[from.base] ?? UNSIGNED_BITS[from.base];
  const toBits = SIGNED_BITS[to.base] ?? UNSIGNED_BITS[to.base];
  if (fromSigned && !toSigned) return breaks(`negative ${from.base} values do not fit unsigned ${to.base}`);
  if (!fromSigned && toSigned) {
    return toBits > fromBits ? ok(`widening: every ${from.base} fits ${to.base}`) : breaks(`narrowing: large ${from.base} values overflow ${to.base}`);
  }
  return toBits >= fromBits ? ok(`widening: ${from.base} fits in ${to.base}`) : breaks(`narrowing: ${from.base} values may overflow ${to.base}`);
}

function numericChange(from: ParsedType, to: ParsedType): TypeVerdict | undefined {
  const fromFloat = from.base in MANTISSA_BITS;
  const toFloat = to.base in MANTISSA_BITS;
  if (isInteger(from) && isInteger(to)) return integerChange(from, to);
  if (isInteger(from) && toFloat) {
    return magnitudeBits(from) <= MANTISSA_BITS[to.base]
      ? ok(`widening: every ${from.base} is exact in ${to.base}`)
      : breaks(`${from.base} values above 2^${MANTISSA_BITS[to.base]} lose precision in ${to.base}`);
  }
  if (isInteger(from) && to.base === 'DECIMAL') {
    const { precision, scale } = decimalParts(to);
    return precision - scale >= integerDigits(from)
      ? ok(`widening: every ${from.base} fits ${formatType(to)}`)
      : breaks(`${formatType(to)} keeps ${precision - scale} integer digits; ${from.base} needs ${integerDigits(from)}`);
  }
  if (fromFloat && toFloat) {
    return MANTISSA_BITS[to.base] >= MANTISSA_BITS[from.base] ? ok(`widening: ${from.base} fits in ${to.base}`) : breaks(`narrowing: ${from.base} loses precision in ${to.base}`);
  }
  if (fromFloat && (to.base === 'DECIMAL' || isInteger(to))) return breaks(`${from.base} values (fractions, NaN, large magnitudes) may not fit ${formatType(to)}`);
  if (from.base === 'DECIMAL' && to.base === 'DECIMAL') {
    const a = decimalParts(from);
    const b = decimalParts(to);
    if (b.scale < a.scale) return breaks(`scale shrinks from ${a.scale} to ${b.scale}: digits after the point are lost`);
    if (b.precision - b.scale < a.precision - a.scale) return breaks(`integer digits shrink from ${a.precision - a.scale} to ${b.precision - b.scale}: large values overflow`);
    return ok(`widening: ${formatType(from)} fits in ${formatType(to)}`);
  }
  if (from.base === 'DECIMAL' && toFloat) {
    const { precision } = decimalParts(from);
    return precision <= FLOAT_DIGITS[to.base]
      ? ok(`every ${formatType(from)} is represented in ${to.base}`)
      : breaks(`${formatType(from)} has ${precision} digits; ${to.base} keeps about ${FLOAT_DIGITS[to.base]}`);
  }
  if (from.base === 'DECIMAL' && isInteger(to)) {
    const { precision, scale } = decimalParts(from);
    return scale === 0 && precision < integerDigits(to)
      ? ok(`every ${formatType(from)} fits ${to.base}`)
      : breaks(scale > 0 ? `fractions of ${formatType(from)} are lost in ${to.base}` : `${formatType(from)} values may overflow ${to.base}`);
  }
  if (from.base === 'BOOLEAN' && (isInteger(to) || to.base === 'DECIMAL' || toFloat)) return ok(`booleans become 0 and 1`);
  return undefined;
}

function textChange(from: ParsedType, to: ParsedType): TypeVerdict {
  if (!TEXT.has(from.base)) return ok(`every ${formatType(from)} value has a text form (readers must parse it back)`);
  const [a] = from.params;
  const [b] = to.params;
  if (b === undefined) return ok(a === undefined ? 'same text type' : `length limit ${a} lifted`);
  if (a === undefined) return breaks(`unbounded text may be longer than ${b} characters`);
  return b >= a ? ok(`widening: length ${a} to ${b}`) : breaks(`narrowing: text longer than ${b} characters is cut`);
}

function temporalChange(from: ParsedType, to: ParsedType): TypeVerdict | undefined {
  const fromTs = from.base in TIMESTAMP_RANK;
  const toTs = to.base in TIMESTAMP_RANK;
  if (fromTs && toTs) {
    return TIMESTAMP_RANK[to.base] >= TIMESTAMP_RANK[from.base] ? ok(`widening: finer timestamp precision`) : breaks(`narrowing: sub-second precision is lost`);
  }
  if (from.base === 'DATE' && (toTs || to.base === 'TIMESTAMP WITH TIME ZONE')) return ok('dates become timestamps at midnight');
  if ((fromTs || from.base === 'TIMESTAMP WITH TIME ZONE') && to.base === 'DATE') return breaks('the time of day is lost');
  if ((fromTs && to.base === 'TIMESTAMP WITH TIME ZONE') || (from.base === 'TIMESTAMP WITH TIME ZONE' && toTs)) {
    return breaks('naive and zoned timestamps mean different instants');
  }
  return undefined;
}

function nestedChange(from: ParsedType, to: ParsedType): TypeVerdict | undefined {
  if ((from.base === 'LIST' || from.base === 'ARRAY') && to.base === 'LIST') {
    const inner = typeChange(formatType(from.element!), formatType(to.element!));
    return { compatible: inner.compatible, reason: `list elements: ${inner.reason}` };
  }
  if (from.base === 'ARRAY' && to.base === 'ARRAY') {
    if (from.size !== to.size) return breaks(`fixed array size changes from ${from.size} to ${to.size}`);
    const inner = typeChange(formatType(from.element!), formatType(to.element!));
    return { compatible: inner.compatible, reason: `array elements: ${inner.reason}` };
  }
  if (from.base === 'MAP' && to.base === 'MAP') {
    const keys = typeChange(formatType(from.key!), formatType(to.key!));
    const values = typeChange(formatType(from.element!), formatType(to.element!));
    if (!keys.compatible) return breaks(`map keys: ${keys.reason}`);
    return { compatible: values.compatible, reason: `map values: ${values.reason}` };
  }
  if (from.base === 'STRUCT' && to.base === 'STRUCT') {
    const target = new Map(to.fields!.map((f) => [f.name, f.type]));
    for (const field of from.fields!) {
      const next = target.get(field.name);
      if (!next) return breaks(`struct field ${field.name} is dropped`);
      const inner = typeChange(formatType(field.type), formatType(next));
      if (!inner.compatible) return breaks(`struct field ${field.name}: ${inner.reason}`);
    }
    const added = to.fields!.filter((f) => !from.fields!.some((g) => g.name === f.name)).map((f) => f.name);
    return ok(added.length ? `struct fields added: ${added.join(', ')}` : 'struct fields widened');
  }
  return undefined;
}

/**
 * Classifies a column's type change from `from` to `to` on DuckDB's widening lattice: TINYINT < SMALLINT <
 * INTEGER < BIGINT < HUGEINT, FLOAT < DOUBLE, DECIMAL by precision and scale, VARCHAR by length, integers into
 * floats/decimals that hold them exactly; anything into VARCHAR is compatible, narrowing is breaking.
 */
export function typeChange(from: string, to: string): TypeVerdict {
  const a = parseType(from);
  const b = parseType(to);
  if (formatType(a) === formatType(b)) return ok('same type');
  if (TEXT.has(b.base)) return textChange(a, b);
  if (TEXT.has(a.base)) return breaks(`text values may not parse as ${formatType(b)}`);
  if (a.base === 'JSON' && b.base !== 'JSON') return breaks(`JSON documents may not convert to ${formatType(b)}`);
  return numericChange(a, b) ?? temporalChange(a, b) ?? nestedChange(a, b) ?? breaks(`${formatType(a)} and ${formatType(b)} are incompatible types`);
}
