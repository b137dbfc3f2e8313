import type { DuckDBConnection } from '@duckdb/node-api';
import { JUPYTER_DISPLAY, type MimeBundle } from '../display/mime.js';
import { tableBundle, type TableData } from '../display/table.js';
import type { SchemaChange } from '../schema/diff.js';
import { typeChange } from '../schema/type-compat.js';
import { keepJsonDoubles } from './json-numbers.js';

/** A schema change of a stream, with the first message that showed it. */
export interface StreamSchemaChange extends SchemaChange {
  /** Sequence of the first message with the change (for `removed`: the first without the field). */
  sequence: number;
}

// JSON value kinds as DuckDB's json_type names them, in the DuckDB types a column of them gets.
const KIND: Record<string, string> = { UBIGINT: 'BIGINT', BIGINT: 'BIGINT', DOUBLE: 'DOUBLE', VARCHAR: 'VARCHAR', BOOLEAN: 'BOOLEAN', ARRAY: 'LIST', OBJECT: 'STRUCT' };

interface FieldSpan {
  field: string;
  kind: string;
  first: number;
  last: number;
}

const parentOf = (field: string) => (field.includes('.') ? field.slice(0, field.lastIndexOf('.')) : undefined);

/**
 * Every schema change across the messages of a raw stream table, in sequence order: each field (nested ones as
 * `parent.child`) that appears after the first message (added), stops appearing before the last (removed),
 * takes a value of another kind (type, judged compatible or breaking by the same rules as %schema diff), or
 * becomes null (nullability). One pass over the messages in DuckDB (json_tree).
 */
export async function schemaTimeline(connection: DuckDBConnection, raw: string): Promise<StreamSchemaTimeline> {
  const bounds = (await connection.runAndReadAll(`SELECT min(sequence), max(sequence), count(*) FROM ${raw} WHERE ok`)).getRows()[0].map(Number);
  const [start, end, messages] = bounds;
  if (!messages) return new StreamSchemaTimeline([], 0, 0, 0);
  const spans = (
    await connection.runAndReadAll(`
      SELECT substr(t.fullkey, 3) AS field, t.type AS kind, min(r.sequence) AS first, max(r.sequence) AS last
      FROM ${raw} r, json_tree(r.payload) t
      WHERE r.ok AND t.id > 0 AND NOT contains(t.fullkey, '[')
      GROUP BY ALL ORDER BY first`)
  )
    .getRowObjectsJS()
    .map((r) => ({ field: String(r.field), kind: String(r.kind), first: Number(r.first), last: Number(r.last) }) as FieldSpan);
  const byField = new Map<string, FieldSpan[]>();
  for (const span of spans) byField.set(span.field, [...(byField.get(span.field) ?? []), span]);
  const nextAfter = async (sequence: number) => Number((await connection.runAndReadAll(`SELECT min(sequence) FROM ${raw} WHERE ok AND sequence > $1`, [sequence])).getRows()[0][0]);
  const changes: StreamSchemaChange[] = [];
  const added = new Map<string, number>();
  const removed = new Map<string, number>();
  for (const [field, fieldSpans] of byField) {
    const first = Math.min(...fieldSpans.map((s) => s.first));
    const last = Math.max(...fieldSpans.map((s) => s.last));
    const typed = fieldSpans.filter((s) => s.kind !== 'NULL');
    const parent = parentOf(field);
    if (first > start) {
      added.set(field, first);
      // A field inside an object that arrived with it is part of that change.
      if (!(parent && added.get(parent) === first)) {
        changes.push({ kind: 'added', column: field, after: KIND[typed[0]?.kind] ?? 'JSON', breaking: false, reason: 'new field: older messages lack it (nullable)', sequence: first });
      }
    }
    if (last < end) {
      const gone = await nextAfter(last);
      removed.set(field, gone);
      if (!(parent && removed.get(parent) === gone)) {
        changes.push({ kind: 'removed', column: field, before: KIND[typed.at(-1)?.kind ?? ''] ?? 'JSON', breaking: true, reason: `messages from ${gone} on lack it`, sequence: gone });
      }
    }
    let current = KIND[typed[0]?.kind] ?? 'JSON';
    for (const span of typed.slice(1)) {
      const next = KIND[span.kind] ?? 'JSON';
      // An integer value in a field that already held fractions is still a JSON number of that field.
      if (next === current || keepJsonDoubles(current, next) === current) continue;
      const verdict = typeChange(current, next);
      changes.push({ kind: 'type', column: field, before: current, after: next, breaking: !verdict.compatible, reason: verdict.reason, sequence: span.first });
      current = next;
    }
    const nulls = fieldSpans.find((s) => s.kind === 'NULL');
    if (nulls && nulls.first > first) changes.push({ kind: 'nullability', column: field, before: 'NOT NULL', after: 'NULL', breaking: false, reason: 'null values from here on', sequence: nulls.first });
  }
  changes.sort((a, b) => a.sequence - b.sequence || a.column.localeCompare(b.column));
  return new StreamSchemaTimeline(changes, start, end, messages);
}

/** The schema changes across a stream's messages, each at the message where it began. */
export class StreamSchemaTimeline {
  constructor(
    readonly changes: StreamSchemaChange[],
    /** First and last sequence of the messages looked at. */
    readonly firstSequence: number,
    readonly lastSequence: number,
    readonly messages: number,
  ) {}

  get breaking(): boolean {
    return this.changes.some((c) => c.breaking);
  }

  /** The change of `column` of `kind`, if any. */
  find(column: string, kind?: SchemaChange['kind']): StreamSchemaChange | undefined {
    return this.changes.find((c) => c.column === column && (!kind || c.kind === kind));
  }

  summary(): string {
    const range = `${this.messages.toLocaleString('en-US')} messages (sequence ${this.firstSequence}..${this.lastSequence})`;
    if (!this.changes.length) return `${range}: one schema throughout`;
    const broken = this.changes.filter((c) => c.breaking).length;
    return `${range}: ${this.changes.length} schema change${this.changes.length === 1 ? '' : 's'}, ${broken ? `${broken} breaking` : 'all compatible'}`;
  }

  table(): TableData {
    return {
      caption: this.summary(),
      columns: [{ name: 'from sequence' }, { name: 'change' }, { name: 'field' }, { name: 'before' }, { name: 'after' }, { name: 'verdict' }, { name: 'reason' }],
      rows: this.changes.map((c) => [c.sequence, c.kind, c.column, c.before ?? '', c.after ?? '', c.breaking ? 'BREAKING' : 'compatible', c.reason]),
    };
  }

  toJSON() {
    return { firstSequence: this.firstSequence, lastSequence: this.lastSequence, messages: this.messages, changes: this.changes };
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return this.changes.length ? tableBundle(this.table()) : { 'text/plain': this.summary() };
  }
}
