import { randomUUID } from 'node:crypto';
import { JUPYTER_DISPLAY, type MimeBundle } from '../display/mime.js';
import { currentOutput } from '../display/output.js';
import { tableHtml, tableText, type TableData } from '../display/table.js';
import type { Session } from '../session/session.js';
import { relationOf, tempTable } from '../sql/column-writer.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { tempName } from '../sql/identifiers.js';
import type { PayloadField } from './infer-schema.js';
import { schemaTimeline, type StreamSchemaChange } from './schema-timeline.js';
import type { StreamSource } from './stream-source.js';
import { MessageStager, rawTableSql } from './message-stager.js';
import { validMessageFields, type MalformedMessages } from './stream-table.js';

/** How long to watch. */
export interface WatchOptions {
  /** Stop after this many messages. @default until interrupted */
  maxMessages?: number;
  /** Stop after this many seconds without a message. @default until interrupted */
  untilIdle?: number;
  /** Start with the messages retained now instead of only new ones. @default false */
  fromStart?: boolean;
  /** Stops the watch. */
  signal?: AbortSignal;
}

// The live display repaints at most this often (each repaint infers the schema in DuckDB).
const REPAINT_MS = 500;

/** What a watch saw: messages, rate, the schema, every change at the message where it began, malformed ones. */
export class WatchReport {
  constructor(
    readonly stream: string,
    readonly messages: number,
    readonly seconds: number,
    readonly fields: PayloadField[],
    readonly changes: StreamSchemaChange[],
    readonly malformed: MalformedMessages,
    readonly lastSequence: number,
    /** Why it stopped: max-messages, idle, interrupted, or the end of the retained messages. */
    readonly stoppedBy: string,
  ) {}

  get rate(): number {
    return this.seconds > 0 ? this.messages / this.seconds : 0;
  }

  get breaking(): boolean {
    return this.changes.some((c) => c.breaking);
  }

  summary(live = false): string {
    const state = live ? 'watching' : `watched (${this.stoppedBy})`;
    const bad = this.malformed.count ? `, ${this.malformed.count.toLocaleString('en-US')} malformed` : '';
    const changes = this.changes.length ? `, ${this.changes.length} schema change${this.changes.length === 1 ? '' : 's'} (${this.changes.filter((c) => c.breaking).length} breaking)` : ', schema steady';
    return `${this.stream} ${state}: ${this.messages.toLocaleString('en-US')} messages in ${this.seconds.toFixed(1)} s (${Math.round(this.rate).toLocaleString('en-US')}/s), up to sequence ${this.lastSequence}${bad}${changes}`;
  }

  tables(): TableData[] {
    const schema: TableData = {
      caption: 'Inferred schema',
      columns: [{ name: 'field' }, { name: 'type' }, { name: 'nullable' }, { name: 'flag' }],
      rows: this.fields.map((f) => {
        const change = this.changes.filter((c) => c.column === f.name || c.column.startsWith(`${f.name}.`)).at(-1);
        return [f.name, f.type, f.nullable ? 'yes' : 'no', change ? `${change.kind} at ${change.sequence}: ${change.breaking ? 'BREAKING' : 'compatible'}` : ''];
      }),
    };
    const tables = [schema];
    if (this.changes.length) {
      tables.push({
        caption: 'Schema changes, as they appeared',
        columns: [{ name: 'from sequence' }, { name: 'change' }, { name: 'field' }, { name: 'before' }, { name: 'after' }, { name: 'verdict' }, { name: 'reason' }],
        rows: this.changes.map((c) => [c.sequence, c.kind, c.column, c.before ?? '', c.after ?? '', c.breaking ? 'BREAKING' : 'compatible', c.reason]),
      });
    }
    if (this.malformed.count) {
      tables.push({
        caption: `Malformed messages: ${this.malformed.count.toLocaleString('en-US')} (not JSON objects, or a key given twice; the newest shown)`,
        columns: [{ name: 'sequence' }, { name: 'subject' }, { name: 'payload' }],
        rows: this.malformed.sample.map((m) => [m.sequence, m.subject, m.payload]),
      });
    }
    return tables;
  }

  bundle(live = false): MimeBundle {
    const tables = this.tables();
    return {
      'text/plain': [this.summary(live), ...tables.map((t) => `${t.caption}\n${tableText({ ...t, caption: undefined })}`)].join('\n\n'),
      'text/html': `<div><p><code>${this.summary(live).replace(/&/g, '&amp;').replace(/</g, '&lt;')}</code></p>${tables.map(tableHtml).join('')}</div>`,
    };
  }

  toJSON() {
    return { stream: this.stream, messages: this.messages, seconds: this.seconds, rate: this.rate, fields: this.fields, changes: this.changes, malformed: this.malformed, lastSequence: this.lastSequence, stoppedBy: this.stoppedBy };
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return this.bundle();
  }
}

/**
 * Follows a stream live: one display updated in place with the message rate, the schema inferred from what
 * arrived, each new or changed field flagged (compatible or breaking, the rules of %schema diff) at the
 * message where it appeared, and the malformed messages counted and sampled. Runs until `maxMessages`,
 * `untilIdle` seconds without a message, the signal, or an interrupt of the cell.
 */
export async function watchStream(session: Session, name: string, source: StreamSource, options: WatchOptions = {}): Promise<WatchReport> {
  const { connection } = await embeddedDuckDB(session);
  const raw = tempTable(tempName(`watch_${name}`));
  const rawName = relationOf(raw);
  const started = Date.now();
  const sink = currentOutput();
  const displayId = `watch-${randomUUID()}`;
  const abort = new AbortController();
  const stop = () => abort.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  const unregister = session.onInterrupt(stop);
  let messages = 0;
  let last = 0;
  let shown = false;
  let lastPaint = 0;
  const report = async (stoppedBy: string) => {
    // Typing first: it can find messages malformed that the timeline must then leave out.
    const fields = await validMessageFields(connection, raw);
    const timeline = await schemaTimeline(connection, rawName);
    const malformedCount = Number((await connection.runAndReadAll(`SELECT count(*) FROM ${rawName} WHERE NOT ok`)).getRows()[0][0]);
    const sample = (await connection.runAndReadAll(`SELECT sequence, subject, left(payload, 200) AS payload FROM ${rawName} WHERE NOT ok ORDER BY sequence DESC LIMIT 5`))
      .getRowObjectsJS()
      .reverse()
      .map((r) => ({ sequence: Number(r.sequence), subject: String(r.subject), payload: String(r.payload) }));
    return new WatchReport(name, messages, (Date.now() - started) / 1000, fields, timeline.changes, { count: malformedCount, sample }, last, stoppedBy);
  };
  // The live block ends as one line: the report itself is the result of the call.
  const paint = async (final: WatchReport | undefined) => {
    const data = final ? { 'text/plain': final.summary() } : (await report('live')).bundle(true);
    sink?.display(data, { displayId, update: shown, metadata: { progress: !final } });
    shown = true;
    lastPaint = Date.now();
  };
  try {
    await connection.run(rawTableSql(raw));
    const after = options.fromStart ? 0 : (await source.info()).lastSequence;
    await paint(undefined);
    const stager = new MessageStager(connection, raw);
    for await (const batch of source.read({ after, follow: true, maxMessages: options.maxMessages, idleSeconds: options.untilIdle, signal: abort.signal })) {
      // Each batch is appended as it comes: the display shows what has arrived.
      await stager.add(batch);
      await stager.flush();
      messages += batch.length;
      last = batch.at(-1)!.sequence;
      if (Date.now() - lastPaint >= REPAINT_MS) await paint(undefined);
    }
    const stoppedBy = abort.signal.aborted ? 'interrupted' : options.maxMessages !== undefined && messages >= options.maxMessages ? `max ${options.maxMessages} messages` : `idle ${options.untilIdle ?? 0} s`;
    const final = await report(stoppedBy);
    await paint(final);
    return final;
  } finally {
    unregister();
    options.signal?.removeEventListener('abort', stop);
    await connection.run(`DROP TABLE IF EXISTS ${rawName}`).catch(() => undefined);
  }
}
