import type { DuckDBConnection } from '@duckdb/node-api';
import type { SchemaChange } from '../schema/diff.js';
import { parseType, type ParsedType } from '../schema/type-name.js';
import { ENVELOPE } from './stream-table.js';
import { jsonPath } from './infer-schema.js';

// The json_type() kinds a DuckDB type's values arrive as in JSON.
function jsonKinds(type: ParsedType): string[] | undefined {
  if (['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UBIGINT', 'UINTEGER'].includes(type.base)) return ['BIGINT', 'UBIGINT'];
  if (['DOUBLE', 'FLOAT', 'DECIMAL'].includes(type.base)) return ['DOUBLE'];
  if (type.base === 'BOOLEAN') return ['BOOLEAN'];
  if (type.base === 'LIST' || type.base === 'ARRAY') return ['ARRAY'];
  if (type.base === 'STRUCT' || type.base === 'MAP') return ['OBJECT'];
  if (type.base === 'JSON') return undefined;
  return ['VARCHAR'];
}

// The message field a column reads: envelope names taken by fields were given a data_ prefix.
const fieldOf = (column: string) => (column.startsWith('data_') && ENVELOPE.some((e) => `data_${e.name}` === column.toLowerCase()) ? column.slice(5) : column);

/** SQL condition true for the first message that shows `change`, with its bound values. */
function condition(change: SchemaChange): { sql: string; params: unknown[] } | undefined {
  const path = jsonPath(fieldOf(change.column));
  const kind = 'json_type(payload, $1)';
  switch (change.kind) {
    case 'added':
      return { sql: `${kind} IS NOT NULL AND ${kind} <> 'NULL'`, params: [path] };
    case 'removed':
      return { sql: `${kind} IS NULL`, params: [path] };
    case 'nullability':
      return change.after === 'NULL' ? { sql: `${kind} IS NULL OR ${kind} = 'NULL'`, params: [path] } : undefined;
    case 'type': {
      const before = parseType(change.before ?? 'JSON');
      const after = parseType(change.after ?? 'JSON');
      if (before.base === 'STRUCT' && after.base === 'STRUCT') {
        const keys = (before.fields ?? []).map((f) => f.name);
        // A key the old structure lacks, else (a field gone from the object) one it had that is missing.
        return { sql: `NOT list_has_all($2::VARCHAR[], json_keys(payload, $1)) OR NOT list_has_all(json_keys(payload, $1), $2::VARCHAR[])`, params: [path, keys] };
      }
      const old = jsonKinds(before) ?? [];
      const next = jsonKinds(after);
      return next
        ? { sql: `list_contains($2::VARCHAR[], ${kind}) AND NOT list_contains($3::VARCHAR[], ${kind})`, params: [path, next, old] }
        : { sql: `${kind} <> 'NULL' AND NOT list_contains($2::VARCHAR[], ${kind})`, params: [path, old] };
    }
    default:
      return undefined;
  }
}

/**
 * For each change of a stream's schema (from a diff or drift), the sequence of the first message at or after
 * `since` that shows it: the first with an added field, the first without a removed one, the first with a value of
 * the new type. Changes no message shows are left out.
 */
export async function locateChanges(connection: DuckDBConnection, raw: string, changes: readonly SchemaChange[], since: Date): Promise<Map<SchemaChange, number>> {
  const { listValue } = await import('@duckdb/node-api');
  const found = new Map<SchemaChange, number>();
  for (const change of changes) {
    const where = condition(change);
    if (!where) continue;
    const at = where.params.length + 1;
    const reader = await connection.runAndReadAll(
      `SELECT min(sequence) FROM ${raw} WHERE ok AND "timestamp" >= $${at}::TIMESTAMPTZ AND (${where.sql})`,
      [...where.params.map((p) => (Array.isArray(p) ? listValue(p) : (p as string))), since.toISOString()],
    );
    const sequence = reader.getRows()[0][0];
    if (sequence !== null) found.set(change, Number(sequence));
  }
  return found;
}
