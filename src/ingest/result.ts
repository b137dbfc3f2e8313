import { JUPYTER_DISPLAY, type MimeBundle } from '../display/mime.js';
import { tableBundle } from '../display/table.js';
import { DataKernelError } from '../errors.js';
import type { SchemaDiff } from '../schema/diff.js';

/** What one load did. */
export interface IngestSummary {
  source: string;
  /** The destination, relative to the project folder. */
  destination: string;
  mode: 'overwrite' | 'append' | 'incremental' | 'cdc';
  /** Rows written by this load (for cdc: snapshot rows plus changes). */
  rows: number;
  /** Files written, relative to the destination folder. */
  files: string[];
  /** For incremental loads: the cursor column and the values it moved between. */
  cursor?: { column: string; from?: string; to?: string };
  /** For cdc: the changes applied by kind and the WAL positions (LSNs) the destination moved between. */
  changes?: ChangeCounts;
  /** Source against the existing destination, when there was one. */
  diff?: SchemaDiff;
  /** Stream loads: malformed messages (see MalformedMessages), kept apart in `file` (never dropped silently). */
  rejected?: { count: number; sample: Array<{ sequence: number; payload: string }>; file?: string };
  seconds: number;
}

/** What a change data capture run applied. */
export interface ChangeCounts {
  snapshot: number;
  insert: number;
  update: number;
  delete: number;
  truncate: number;
  /** The committed LSN before the run (unset on the first). */
  from?: string;
  /** The committed LSN after it. */
  to?: string;
}

/** The outcome of %ingest: displays as a summary table; `.rows`, `.files`, `.cursor`, `.diff` for cells. */
export class IngestResult implements IngestSummary {
  readonly source: string;
  readonly destination: string;
  readonly mode: IngestSummary['mode'];
  readonly rows: number;
  readonly files: string[];
  readonly cursor?: IngestSummary['cursor'];
  readonly changes?: ChangeCounts;
  readonly diff?: SchemaDiff;
  readonly rejected?: IngestSummary['rejected'];
  readonly seconds: number;

  constructor(summary: IngestSummary) {
    this.source = summary.source;
    this.destination = summary.destination;
    this.mode = summary.mode;
    this.rows = summary.rows;
    this.files = summary.files;
    this.cursor = summary.cursor;
    this.changes = summary.changes;
    this.diff = summary.diff;
    this.rejected = summary.rejected;
    this.seconds = summary.seconds;
  }

  /** One line: rows, source, destination, time. */
  summary(): string {
    const rate = this.seconds > 0 ? `, ${Math.round(this.rows / this.seconds).toLocaleString('en-US')} rows/s` : '';
    return `${this.rows.toLocaleString('en-US')} rows ${this.source} -> ${this.destination} (${this.mode}) in ${this.seconds.toFixed(1)} s${rate}`;
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const rows: unknown[][] = [
      ['source', this.source],
      ['destination', this.destination],
      ['mode', this.mode],
      ['rows written', this.rows],
      ['files', this.files.length ? this.files.join(', ') : '(none: nothing new)'],
    ];
    if (this.changes) {
      const c = this.changes;
      rows.push(['changes', `${c.snapshot.toLocaleString('en-US')} snapshot rows, ${c.insert.toLocaleString('en-US')} inserts, ${c.update.toLocaleString('en-US')} updates, ${c.delete.toLocaleString('en-US')} deletes${c.truncate ? `, ${c.truncate} truncates` : ''}`]);
      rows.push(['lsn', `${c.from ?? '(snapshot)'} -> ${c.to ?? c.from ?? '(none)'}`]);
    }
    if (this.cursor) rows.push(['cursor', `${this.cursor.column}: ${this.cursor.from ?? '(start)'} -> ${this.cursor.to ?? this.cursor.from ?? '(start)'}`]);
    rows.push(['schema', this.diff ? this.diff.summary() : 'new destination']);
    if (this.rejected?.count) {
      const first = this.rejected.sample[0];
      rows.push(['rejected', `${this.rejected.count.toLocaleString('en-US')} malformed messages -> ${this.rejected.file}; e.g. sequence ${first.sequence}: ${first.payload.slice(0, 80)}`]);
    }
    rows.push(['time', `${this.seconds.toFixed(1)} s`]);
    return tableBundle({ caption: this.summary(), columns: [{ name: 'field' }, { name: 'value' }], rows });
  }
}

/** A load stopped before writing because the source would break the destination's schema. */
export class IngestBlockedError extends DataKernelError {
  constructor(readonly diff: SchemaDiff) {
    super(
      `Ingest stopped: ${diff.summary()}: ${diff.breakingChanges.map((c) => `${c.column} (${c.kind}: ${c.reason})`).join('; ')}`,
      'The destination is unchanged. Fix the source, write to a new destination, or pass --allow-breaking to write anyway.',
    );
    this.name = 'IngestBlockedError';
  }
}
