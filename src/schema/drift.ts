import { JUPYTER_DISPLAY, type MimeBundle } from '../display/mime.js';
import { tableBundle } from '../display/table.js';
import { DataKernelError } from '../errors.js';
import type { Session } from '../session/session.js';
import { diffSchemas, type DiffOptions, type FailOn, type SchemaChange, type SchemaDiff } from './diff.js';
import { schemaFingerprint, type TableSchema } from './model.js';
import { keepJsonDoublesIn } from '../streams/json-numbers.js';
import { readSnapshot } from './snapshot.js';
import { latestSnapshot, type SchemaSnapshot } from './snapshot-store.js';
import { resolveTarget, type TargetOptions, type TargetSource } from './target.js';
import { formatSpan, formatTime } from './time-text.js';

const asSchema = (snapshot: SchemaSnapshot, label: string): TableSchema => ({ target: label, kind: snapshot.kind, columns: snapshot.columns });

/** How a target changed since its last snapshot: the schema diff, row counts and fingerprints, with times. */
export class SchemaDrift {
  /** The schema changes from the snapshot to now. */
  readonly diff: SchemaDiff;
  /** Streams: the sequence of the first message since the snapshot that showed each change. */
  readonly sequences = new Map<SchemaChange, number>();

  constructor(
    /** The last recorded snapshot. */
    readonly before: SchemaSnapshot,
    /** The target as it is now (not recorded). */
    readonly now: SchemaSnapshot,
    options: DiffOptions = {},
  ) {
    this.diff = diffSchemas(asSchema(before, `snapshot ${formatTime(before.takenAt)}`), asSchema(now, `now ${formatTime(now.takenAt)}`), options);
  }

  /** True when the schema changed at all since the snapshot. */
  get drifted(): boolean {
    return this.before.fingerprint !== this.now.fingerprint;
  }

  get breaking(): boolean {
    return this.diff.breaking;
  }

  get compatible(): boolean {
    return this.diff.compatible;
  }

  get changes(): SchemaChange[] {
    return this.diff.changes;
  }

  /** One line: target, times, age, rows then and now, and the verdict. */
  summary(): string {
    const { before, now } = this;
    const age = formatSpan(now.takenAt.getTime() - before.takenAt.getTime());
    const rows = `rows ${before.rowCount.toLocaleString('en-US')} -> ${now.rowCount.toLocaleString('en-US')}`;
    const verdict = !this.drifted
      ? 'no schema drift'
      : `${this.changes.length} change${this.changes.length === 1 ? '' : 's'} (${this.diff.breakingChanges.length} breaking), fingerprint ${before.fingerprint} -> ${now.fingerprint}`;
    return `${before.target} since snapshot at ${formatTime(before.takenAt)} (${age} ago): ${verdict}; ${rows}`;
  }

  /** Throws a DataKernelError when the drift has breaking changes (`breaking`) or any change (`change`). */
  failOn(level: FailOn): this {
    try {
      this.diff.failOn(level);
    } catch (error) {
      throw new DataKernelError(`Schema drift of ${this.before.target}: ${(error as DataKernelError).message}`, (error as DataKernelError).hint);
    }
    return this;
  }

  /** The sequence of the first message that showed `change` (streams), if known. */
  sequenceOf(change: SchemaChange): number | undefined {
    return this.sequences.get(change);
  }

  toJSON() {
    const changes = this.changes.map((c) => (this.sequences.has(c) ? { ...c, sequence: this.sequences.get(c) } : c));
    return { target: this.before.target, since: this.before.takenAt, now: this.now.takenAt, drifted: this.drifted, compatible: this.compatible, changes };
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    if (this.diff.identical) return { 'text/plain': this.summary() };
    const table = this.diff.table();
    if (this.sequences.size === 0) return tableBundle({ ...table, caption: this.summary() });
    return tableBundle({
      caption: this.summary(),
      columns: [{ name: 'from sequence' }, ...table.columns],
      rows: table.rows.map((row, i) => [this.sequences.get(this.changes[i]) ?? '', ...row]),
    });
  }
}

/** Compares a target now against its last snapshot in the catalog. */
export async function schemaDrift(session: Session, source: TargetSource, options: TargetOptions = {}): Promise<SchemaDrift> {
  const read = await readSnapshot(session, source, options);
  const before = await latestSnapshot(session, read.target);
  if (!before) {
    throw new DataKernelError(`No snapshot of ${read.target} yet`, `Record one first: %schema snapshot ${read.target}`);
  }
  // A stream's schema is inferred from JSON: integers arriving in a field the snapshot saw as DOUBLE are no drift.
  const columns = read.kind === 'stream' ? keepJsonDoublesIn(before.columns, read.columns) : read.columns;
  const now = columns === read.columns ? read : { ...read, columns, fingerprint: schemaFingerprint(columns) };
  const target = typeof source === 'string' && before.fingerprint !== now.fingerprint ? await resolveTarget(session, source, options) : undefined;
  if (!target?.locate) return new SchemaDrift(before, now);
  // A stream knows more than two schemas: a field that went while another came is a rename only if no message had both.
  const gone = before.columns.filter((c) => !now.columns.some((n) => n.name === c.name)).map((c) => c.name);
  const came = now.columns.filter((c) => !before.columns.some((b) => b.name === c.name)).map((c) => c.name);
  const together = new Set<string>();
  for (const a of gone) for (const b of came) if (await target.seenTogether?.(a, b)) together.add(JSON.stringify([a, b]));
  const drift = new SchemaDrift(before, now, { notRenamed: (a, b) => together.has(JSON.stringify([a, b])) });
  for (const [change, sequence] of await target.locate(drift.changes, before.takenAt)) drift.sequences.set(change, sequence);
  return drift;
}
