import type { DuckDBConnection } from '@duckdb/node-api';
import type { SchemaChange } from '../schema/diff.js';
import type { ColumnSchema } from '../schema/model.js';
import type { Session } from '../session/session.js';
import { createTable, relationOf, tempTable, type TableRef } from '../sql/column-writer.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { quoteIdent, tempName } from '../sql/identifiers.js';
import { inferPayloadFields, jsonPath, parseJsonRows, withNullability, type PayloadField } from './infer-schema.js';
import { payloadFit } from './payload-fit.js';
import { MessageStager, rawTableSql } from './message-stager.js';
import { locateChanges } from './locate-changes.js';
import { withRepeatedKeysRejected } from './repeated-keys.js';
import { schemaTimeline, type StreamSchemaTimeline } from './schema-timeline.js';
import type { StreamSource } from './stream-source.js';

/** The columns every stream table starts with, before the fields of its messages. */
export const ENVELOPE: ReadonlyArray<{ name: string; type: string }> = [
  { name: 'subject', type: 'VARCHAR' },
  { name: 'sequence', type: 'BIGINT' },
  { name: 'timestamp', type: 'TIMESTAMP WITH TIME ZONE' },
];

/** Messages that are not JSON objects, or have a key given twice (see withRepeatedKeysRejected): how many, and a few of them. */
export interface MalformedMessages {
  count: number;
  /** Up to 5 of them, newest last, with the first 200 characters of each payload. */
  sample: Array<{ sequence: number; subject: string; payload: string }>;
}

/** A payload field's column name in the table: an envelope name taken by a field gets `data_` before it. */
const fieldColumn = (field: string): string => (ENVELOPE.some((e) => e.name === field.toLowerCase()) ? `data_${field}` : field);

// A part at least twice this size is typed from its first SAMPLE_ROWS messages (DuckDB's own default sample)
// when every message fits what they show. Typing in full reads every payload twice more (the JSON-lines copy,
// and the reader's inference pass before its read): a 200k-message %ingest took 2.52 s that way, 2.11 s so.
const SAMPLE_ROWS = 20_480;

/**
 * Creates `target`: the valid messages of `raw` as typed rows (the envelope columns, then one column per field of
 * the messages), in sequence order, typed as DuckDB's JSON reader types them over all of them. Returns the fields.
 */
export async function buildTypedTable(connection: DuckDBConnection, raw: TableRef, target: TableRef): Promise<PayloadField[]> {
  return withRepeatedKeysRejected(connection, raw, async () => (await buildTypedFromSample(connection, raw, target)) ?? (await buildTypedInFull(connection, raw, target)));
}

/**
 * The fields of the valid messages of `raw` (of its newest `sample` when given), as inferPayloadFields infers
 * them; messages with a key given twice are found malformed on the way (see withRepeatedKeysRejected).
 */
export async function validMessageFields(connection: DuckDBConnection, raw: TableRef, sample?: number): Promise<PayloadField[]> {
  const limit = sample === undefined ? '' : ` ORDER BY sequence DESC LIMIT ${Math.max(1, Math.floor(sample))}`;
  return withRepeatedKeysRejected(connection, raw, () => inferPayloadFields(connection, `SELECT payload FROM ${relationOf(raw)} WHERE ok${limit}`));
}

/** buildTypedTable by the JSON reader over every valid payload, each parsed once. */
export async function buildTypedInFull(connection: DuckDBConnection, raw: TableRef, target: TableRef): Promise<PayloadField[]> {
  const parsed = tempTable(tempName('stream_parsed'));
  try {
    const fields = await parseJsonRows(connection, `SELECT "partition" AS p, sequence AS s, json(payload) AS j FROM ${relationOf(raw)} WHERE ok`, parsed);
    await connection.run(`${createTable(target)} AS ${typedRows(raw, fields && parsed, fields ?? [])}`);
    return fields ?? [];
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${relationOf(parsed)}`);
  }
}

/**
 * buildTypedTable from a sample: the fields the JSON reader infers over the first SAMPLE_ROWS valid payloads,
 * then every payload parsed into them in one pass, checked to fit them (payloadFit), so that the reader over all
 * of them would have inferred the same. Undefined, with no table made, when the part is small, the fields'
 * types have no fit, or some payload does not fit: then only typing in full gives the reader's types.
 */
export async function buildTypedFromSample(connection: DuckDBConnection, raw: TableRef, target: TableRef): Promise<PayloadField[] | undefined> {
  const valid = Number((await connection.runAndReadAll(`SELECT count(*) FROM ${relationOf(raw)} WHERE ok`)).getRows()[0][0]);
  if (valid < 2 * SAMPLE_ROWS) return undefined;
  const sample = tempTable(tempName('stream_sample'));
  const parsed = tempTable(tempName('stream_parsed'));
  try {
    const sampled = await parseJsonRows(connection, `SELECT json(payload) AS j FROM ${relationOf(raw)} WHERE ok LIMIT ${SAMPLE_ROWS}`, sample);
    const fit = sampled && payloadFit(sampled);
    if (!fit) return undefined;
    const transformed = `SELECT subject, sequence, "timestamp", json_transform(payload, ${fit.structure}) AS j, ${fit.probes} FROM ${relationOf(raw)} WHERE ok`;
    const signs = fit.signs ? `, ${fit.signs}` : '';
    await connection.run(`${createTable(parsed)} AS SELECT subject, sequence, "timestamp", j, coalesce(${fit.condition}, false) AS fits${signs} FROM (${transformed})`);
    const [misfits, mixed] = (await connection.runAndReadAll(`SELECT count_if(NOT fits), coalesce(${fit.mixedSigns}, false) FROM ${relationOf(parsed)}`)).getRows()[0];
    if (Number(misfits) > 0 || mixed === true) return undefined;
    const fields = await withNullability(connection, relationOf(parsed), sampled);
    await connection.run(`${createTable(target)} AS SELECT subject, sequence, "timestamp"${fieldColumns(fields, 'j')} FROM ${relationOf(parsed)} ORDER BY sequence`);
    return fields;
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${relationOf(sample)}`);
    await connection.run(`DROP TABLE IF EXISTS ${relationOf(parsed)}`);
  }
}

/** The select-list items (each after a comma) of the fields of the STRUCT `struct`, as their table columns. */
const fieldColumns = (fields: readonly PayloadField[], struct: string): string => fields.map((f) => `, ${struct}.${quoteIdent(f.name)} AS ${quoteIdent(fieldColumn(f.name))}`).join('');

/**
 * SELECT of typed rows in sequence order: the envelope of the valid messages of `raw`, joined by (partition,
 * sequence) (one message for every broker) to their payloads parsed into column `j` of `parsed` (columns p, s,
 * j); without `parsed` (no valid message), the envelope alone.
 */
export function typedRows(raw: TableRef, parsed: TableRef | undefined, fields: readonly PayloadField[]): string {
  const from = parsed ? `${relationOf(raw)} r JOIN ${relationOf(parsed)} p ON r."partition" = p.p AND r.sequence = p.s` : `${relationOf(raw)} r WHERE r.ok`;
  return `SELECT r.subject, r.sequence, r."timestamp"${fieldColumns(fields, 'p.j')} FROM ${from} ORDER BY r.sequence`;
}

/** Payload fields as schema columns, after the envelope. */
export function streamColumns(fields: readonly PayloadField[]): ColumnSchema[] {
  return [
    ...ENVELOPE.map((e, i) => ({ name: e.name, sourceType: e.type, duckdbType: e.type, nullable: false, position: i + 1 })),
    ...fields.map((f, i) => ({ name: fieldColumn(f.name), sourceType: f.type, duckdbType: f.type, nullable: f.nullable, position: ENVELOPE.length + i + 1 })),
  ];
}

/**
 * The messages of a stream kept in the embedded DuckDB: a raw table (subject, sequence, timestamp, payload)
 * topped up with only the messages past the last one read, and the typed table NAME built from it for SQL.
 * Malformed messages (see MalformedMessages) stay in the raw table, counted, never in the typed one.
 */
export class StreamTable {
  readonly raw: TableRef;
  private loaded = 0;
  private built = -1;
  private created = false;

  constructor(
    private readonly session: Session,
    readonly name: string,
    readonly source: StreamSource,
  ) {
    this.raw = tempTable(`__dk_stream_${name}`);
  }

  /** The sequence of the newest message read so far. */
  get lastSequence(): number {
    return this.loaded;
  }

  private async connection(): Promise<DuckDBConnection> {
    const { connection } = await embeddedDuckDB(this.session);
    if (!this.created) {
      await connection.run(rawTableSql(this.raw));
      this.created = true;
    }
    return connection;
  }

  /** Reads the messages retained since the last top-up (dropping those the broker no longer retains). */
  async refresh(): Promise<void> {
    const connection = await this.connection();
    // What was queued but not appended when an interrupt stops the read is read again next time.
    const stager = new MessageStager(connection, this.raw);
    for await (const batch of this.source.read({ after: this.loaded })) {
      this.session.throwIfInterrupted();
      await stager.add(batch);
      this.loaded = stager.appendedThrough ?? this.loaded;
    }
    await stager.flush();
    this.loaded = stager.appendedThrough ?? this.loaded;
    const { firstSequence } = await this.source.info();
    if (firstSequence > 0) await connection.run(`DELETE FROM ${relationOf(this.raw)} WHERE sequence < $1`, [firstSequence]);
  }

  /** The fields of the newest `sample` valid messages (all when undefined). */
  async fields(sample?: number): Promise<PayloadField[]> {
    const connection = await this.connection();
    return validMessageFields(connection, this.raw, sample);
  }

  /** Refreshes and (re)builds the typed table `target` over every retained message; returns its row count. */
  async build(target: TableRef): Promise<number> {
    await this.refresh();
    const connection = await this.connection();
    if (this.built !== this.loaded || !(await exists(connection, target))) {
      await buildTypedTable(connection, this.raw, target);
      this.built = this.loaded;
    }
    return Number((await connection.runAndReadAll(`SELECT count(*) FROM ${relationOf(target)}`)).getRows()[0][0]);
  }

  /** Every schema change across the messages read, each at the message where it began. */
  async timeline(): Promise<StreamSchemaTimeline> {
    return schemaTimeline(await this.connection(), relationOf(this.raw));
  }

  /** The first message (at or after `since`) that shows each change of a diff of this stream's schema. */
  async locate(changes: readonly SchemaChange[], since: Date): Promise<Map<SchemaChange, number>> {
    return locateChanges(await this.connection(), relationOf(this.raw), changes, since);
  }

  /** Whether some message read has both top-level fields. */
  async seenTogether(a: string, b: string): Promise<boolean> {
    const connection = await this.connection();
    const reader = await connection.runAndReadAll(`SELECT 1 FROM ${relationOf(this.raw)} WHERE ok AND json_exists(payload, $1) AND json_exists(payload, $2) LIMIT 1`, [jsonPath(a), jsonPath(b)]);
    return reader.getRows().length > 0;
  }

  /** Malformed messages among those read (a key given twice is found by typing them: build or fields). */
  async malformed(): Promise<MalformedMessages> {
    const connection = await this.connection();
    const raw = relationOf(this.raw);
    const count = Number((await connection.runAndReadAll(`SELECT count(*) FROM ${raw} WHERE NOT ok`)).getRows()[0][0]);
    const sample = (await connection.runAndReadAll(`SELECT sequence, subject, left(payload, 200) AS payload FROM ${raw} WHERE NOT ok ORDER BY sequence DESC LIMIT 5`))
      .getRowObjectsJS()
      .reverse()
      .map((r) => ({ sequence: Number(r.sequence), subject: String(r.subject), payload: String(r.payload) }));
    return { count, sample };
  }

  /** Retained messages read, valid or not. */
  async count(): Promise<number> {
    const connection = await this.connection();
    return Number((await connection.runAndReadAll(`SELECT count(*) FROM ${relationOf(this.raw)}`)).getRows()[0][0]);
  }

  async drop(): Promise<void> {
    if (!this.created) return;
    const { connection } = await embeddedDuckDB(this.session);
    await connection.run(`DROP TABLE IF EXISTS ${relationOf(this.raw)}`);
    this.created = false;
  }
}

async function exists(connection: DuckDBConnection, target: TableRef): Promise<boolean> {
  const reader = await connection.runAndReadAll('SELECT 1 FROM duckdb_tables() WHERE database_name = $1 AND schema_name = $2 AND table_name = $3', [target.catalog, target.schema, target.table]);
  return reader.getRows().length > 0;
}
