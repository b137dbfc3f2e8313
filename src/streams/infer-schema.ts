import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { createTable, relationOf, tempTable, type TableRef } from '../sql/column-writer.js';
import { quoteIdent, quoteLiteral, tempName } from '../sql/identifiers.js';
import { formatType, parseType } from '../schema/type-name.js';

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
  const parsed = tempTable(tempName('stream_sample'));
  try {
    return (await parseJsonRows(connection, `SELECT json(payload) AS j FROM (${payloads})`, parsed)) ?? [];
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${relationOf(parsed)}`);
  }
}

/**
 * Parses rows whose column `j` holds JSON objects (other columns ride along) into the temporary table `into`,
 * in one pass of DuckDB's JSON reader: `j` becomes the STRUCT of every object's fields, typed as
 * inferPayloadFields describes. Returns those fields, or undefined when `rows` is empty (no table is made).
 */
export async function parseJsonRows(connection: DuckDBConnection, rows: string, into: TableRef): Promise<PayloadField[] | undefined> {
  const present = await connection.runAndReadAll(`SELECT 1 FROM (${rows}) LIMIT 1`);
  if (present.getRows().length === 0) return undefined;
  const file = jsonLinesFile();
  try {
    // json() rewrites each message on one line: pretty-printed messages would otherwise break the NDJSON.
    await connection.run(`COPY (${rows}) TO ${quoteLiteral(file)} (FORMAT json)`);
    return await readJsonObjects(connection, file, into);
  } finally {
    rmSync(file, { force: true });
  }
}

const jsonLinesFile = (): string => join(tmpdir(), `dk-stream-${process.pid}-${randomUUID()}.ndjson`);

/**
 * Reads a JSON-lines file of objects with a key `j` holding each message (other keys ride along) into the
 * temporary table `into`, with DuckDB's JSON reader looking at every line to type `j`; returns the fields of `j`.
 */
async function readJsonObjects(connection: DuckDBConnection, file: string, into: TableRef): Promise<PayloadField[]> {
  await connection.run(`${createTable(into)} AS SELECT * FROM read_json_auto(${quoteLiteral(file)}, sample_size = -1, format = 'newline_delimited')`);
  const typeText = (await connection.runAndReadAll(`SELECT typeof(j) FROM ${relationOf(into)} LIMIT 1`)).getRows()[0]?.[0] as string | undefined;
  const type = typeText ? parseType(typeText) : undefined;
  if (type?.base !== 'STRUCT' || !type.fields?.length) return [];
  return withNullability(connection, relationOf(into), type.fields.map((f) => ({ name: f.name, type: formatType(f.type) })));
}

/** `fields` of the STRUCT column `j` of `relation`, each nullable when absent or null in some row of it. */
export async function withNullability(connection: DuckDBConnection, relation: string, fields: ReadonlyArray<Omit<PayloadField, 'nullable'>>): Promise<PayloadField[]> {
  // Absent and null values both read as NULL: one columnar pass counts them for every field.
  const counts = fields.map((f) => `count_if(j.${quoteIdent(f.name)} IS NULL)`).join(', ');
  const missing = (await connection.runAndReadAll(`SELECT ${counts} FROM ${relation}`)).getRows()[0].map(Number);
  return fields.map((f, i) => ({ name: f.name, type: f.type, nullable: missing[i] > 0 }));
}

/** The JSONPath of a top-level key, quoted so any key works. */
export const jsonPath = (key: string): string => `$."${key.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
