import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteLiteral } from '../sql/identifiers.js';
import { formatType, parseType, type ParsedType } from '../schema/type-name.js';

/** A top-level field of the messages, with the DuckDB type that holds every value seen. */
export interface PayloadField {
  name: string;
  /** DuckDB type text: nested objects are STRUCT, arrays LIST, mixed numbers DOUBLE, values of unrelated kinds JSON. */
  type: string;
  /** Absent or null in at least one message. */
  nullable: boolean;
}

/**
 * Infers the fields of JSON objects with DuckDB's own JSON reader (read_json_auto over every sampled message):
 * nested objects become STRUCT, arrays LIST, integers and decimals widen to DOUBLE, ISO dates and timestamps are
 * recognised, and values of unrelated kinds fall back to JSON. `payloads` is SQL selecting a VARCHAR column
 * `payload` of valid JSON objects.
 */
export async function inferPayloadFields(connection: DuckDBConnection, payloads: string): Promise<PayloadField[]> {
  const present = await connection.runAndReadAll(`SELECT 1 FROM (${payloads}) LIMIT 1`);
  if (present.getRows().length === 0) return [];
  const file = join(tmpdir(), `dk-stream-sample-${process.pid}-${randomUUID()}.ndjson`);
  try {
    // json() rewrites each message on one line: pretty-printed messages would otherwise break the NDJSON.
    await connection.run(`COPY (SELECT json(payload) AS j FROM (${payloads})) TO ${quoteLiteral(file)} (FORMAT json)`);
    const described = await connection.runAndReadAll(`SELECT count(*) AS n, any_value(typeof(j)) AS t FROM read_json_auto(${quoteLiteral(file)}, sample_size = -1, format = 'newline_delimited')`);
    const [count, typeText] = described.getRows()[0] as [bigint, string | null];
    if (Number(count) === 0 || !typeText) return [];
    const type = parseType(typeText);
    if (type.base !== 'STRUCT' || !type.fields?.length) return [];
    const fields = type.fields;
    // One pass counts, for every field, the messages where it is absent or null.
    const counts = fields.map((_, i) => `count_if(json_type(payload, $${i + 1}) IS NULL OR json_type(payload, $${i + 1}) = 'NULL')`).join(', ');
    const prepared = await connection.prepare(`SELECT ${counts} FROM (${payloads})`);
    fields.forEach((f, i) => prepared.bindVarchar(i + 1, jsonPath(f.name)));
    const missing = (await prepared.runAndReadAll()).getRows()[0].map(Number);
    return fields.map((f, i) => ({ name: f.name, type: formatType(f.type), nullable: missing[i] > 0 }));
  } finally {
    rmSync(file, { force: true });
  }
}

/** The JSONPath of a top-level key, quoted so any key works. */
export const jsonPath = (key: string): string => `$."${key.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The from_json() structure for a DuckDB type: objects for STRUCT, one-element arrays for LIST, else the type. */
export function jsonStructure(type: ParsedType): unknown {
  if (type.base === 'STRUCT' && type.fields) return Object.fromEntries(type.fields.map((f) => [f.name, jsonStructure(f.type)]));
  if (type.base === 'LIST' && type.element) return [jsonStructure(type.element)];
  return formatType(type);
}
