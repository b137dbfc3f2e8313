import { randomUUID } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DataKernelError } from '../errors.js';
import { appendColumns, relationOf, type TableRef } from '../sql/column-writer.js';
import { quoteLiteral } from '../sql/identifiers.js';
import type { StreamMessage } from './stream-source.js';

/** SQL creating a raw message table: the envelope, the payload as text, and whether it is a JSON object. */
export const rawTableSql = (table: TableRef): string =>
  `CREATE OR REPLACE ${table.catalog === 'temp' ? 'TEMP ' : ''}TABLE ${relationOf(table)} (subject VARCHAR, sequence BIGINT, "timestamp" TIMESTAMPTZ, "partition" INTEGER, payload VARCHAR, ok BOOLEAN)`;

/** SQL true when `text` is a JSON object: valid JSON whose first character past whitespace opens an object (one parse). */
const isJsonObject = (text: string): string => `coalesce(json_valid(${text}) AND starts_with(ltrim(${text}, ' ' || chr(9) || chr(10) || chr(13)), '{'), false)`;

const decoder = new TextDecoder();

/** A batch of messages as the columns of the raw table, `ok` left to the SQL that sets it. */
function messageColumns(batch: readonly StreamMessage[]) {
  return [
    { name: 'subject', sqlType: 'VARCHAR', values: batch.map((m) => m.subject) },
    { name: 'sequence', sqlType: 'BIGINT', values: batch.map((m) => m.sequence) },
    { name: 'timestamp', sqlType: 'TIMESTAMPTZ', values: batch.map((m) => m.timestamp) },
    { name: 'partition', sqlType: 'INTEGER', values: batch.map((m) => m.partition) },
    { name: 'payload', sqlType: 'VARCHAR', values: batch.map((m) => decoder.decode(m.data)) },
    { name: 'ok', sqlType: 'BOOLEAN', values: new Array<null>(batch.length).fill(null) },
  ];
}

// Staged rows are lines of `sequence US epoch-ms US partition US subject US payload` (US, the unit separator, is
// a control character no JSON text holds outside a string, where it must be escaped), read back by DuckDB's CSV
// reader with no quoting. The payload bytes go to DuckDB as they came: appending them as JS strings decoded and
// re-encoded each one on the main thread, which was a third of a 200k-message load's main-thread time.
const NEWLINE = 0x0a;
// Lines past this go through the appender instead (the CSV reader's default line limit is 2 MB).
const LINE_LIMIT = 1 << 20;
// Appending costs a fixed set-up per call (a file, a statement): 16k messages a time keeps it small while the
// load's later parts are still being received.
const STAGE_ROWS = 16_384;

/**
 * Whether a payload can be a staged line as it is: valid UTF-8 with no control character but tab. JSON allows
 * only tab, newline and carriage return outside strings, so the rest are pretty-printed objects or malformed;
 * they take the appender, decoded with replacement characters as before.
 */
function plainPayload(data: Uint8Array): boolean {
  if (data.length > LINE_LIMIT) return false;
  let ascii = true;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i];
    if (byte < 0x20) {
      if (byte !== 0x09) return false;
    } else if (byte > 0x7f) ascii = false;
  }
  return ascii || isUtf8(data);
}

const CONTROL = /[\x00-\x1f]/;

/** Appends messages to a raw table (see rawTableSql), many batches per append, marking which are JSON objects. */
export class MessageStager {
  private buffer = Buffer.allocUnsafe(1 << 22);
  private used = 0;
  private lines = 0;
  private odd: StreamMessage[] = [];
  private newest: number | undefined;
  private lastSubject = '';
  private lastSubjectPlain = true;
  /** The sequence of the newest message appended, once one is. */
  appendedThrough: number | undefined;

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly raw: TableRef,
  ) {}

  /** Queues a batch; appends what is queued once it is large enough. */
  async add(batch: readonly StreamMessage[]): Promise<void> {
    for (const message of batch) {
      if (this.plainSubject(message.subject) && Number.isFinite(message.timestamp.getTime()) && plainPayload(message.data)) this.writeLine(message);
      else this.odd.push(message);
      this.newest = message.sequence;
    }
    if (this.lines + this.odd.length >= STAGE_ROWS) await this.flush();
  }

  /** Appends every queued message. */
  async flush(): Promise<void> {
    if (this.newest === undefined) return;
    const through = this.newest;
    const raw = relationOf(this.raw);
    if (this.lines > 0) {
      const file = join(tmpdir(), `dk-stage-${process.pid}-${randomUUID()}.txt`);
      try {
        stage(file, this.buffer.subarray(0, this.used));
        this.used = 0;
        this.lines = 0;
        const columns = `{'sequence': 'BIGINT', 'ms': 'BIGINT', 'partition': 'INTEGER', 'subject': 'VARCHAR', 'payload': 'VARCHAR'}`;
        const lines = `read_csv(${quoteLiteral(file)}, delim = chr(31), quote = '', escape = '', header = false, auto_detect = false, columns = ${columns})`;
        // The reader reads an empty field as NULL: an empty subject or payload.
        const text = `SELECT coalesce(subject, '') AS subject, sequence, ms, "partition", coalesce(payload, '') AS payload FROM ${lines}`;
        await this.connection.run(`INSERT INTO ${raw} SELECT subject, sequence, timezone('UTC', epoch_ms(ms)), "partition", payload, ${isJsonObject('payload')} FROM (${text})`);
      } finally {
        rmSync(file, { force: true });
      }
    }
    if (this.odd.length > 0) {
      const odd = this.odd;
      this.odd = [];
      await appendColumns(this.connection, this.raw, messageColumns(odd));
      await this.connection.run(`UPDATE ${raw} SET ok = ${isJsonObject('payload')} WHERE ok IS NULL`);
    }
    this.newest = undefined;
    this.appendedThrough = through;
  }

  private plainSubject(subject: string): boolean {
    if (subject !== this.lastSubject) {
      this.lastSubject = subject;
      this.lastSubjectPlain = !CONTROL.test(subject);
    }
    return this.lastSubjectPlain;
  }

  private writeLine(message: StreamMessage): void {
    const head = `${message.sequence}\x1f${message.timestamp.getTime()}\x1f${message.partition}\x1f${message.subject}\x1f`;
    // A UTF-16 unit of the subject is at most 3 bytes of UTF-8.
    this.reserve(3 * head.length + message.data.length + 1);
    this.used += this.buffer.write(head, this.used);
    this.buffer.set(message.data, this.used);
    this.used += message.data.length;
    this.buffer[this.used++] = NEWLINE;
    this.lines++;
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.buffer.length, this.used + bytes));
    this.buffer.copy(grown, 0, 0, this.used);
    this.buffer = grown;
  }
}

function stage(file: string, bytes: Uint8Array): void {
  try {
    writeFileSync(file, bytes);
  } catch (error) {
    if (/ENOSPC|EDQUOT/.test(String((error as Error)?.message))) {
      throw new DataKernelError(`The temporary folder is full: cannot stage messages in ${tmpdir()}`, 'Free space there, or point TMPDIR at a folder with room, and run it again.', { cause: error });
    }
    throw error;
  }
}
