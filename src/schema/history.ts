import { JUPYTER_DISPLAY, type MimeBundle } from '../display/mime.js';
import { tableBundle } from '../display/table.js';
import { DataKernelError } from '../errors.js';
import type { Session } from '../session/session.js';
import { describeChange, diffSchemas } from './diff.js';
import { listSnapshots, type SchemaSnapshot } from './snapshot-store.js';
import { resolveTarget, type TargetOptions, type TargetSource } from './target.js';
import { formatTime } from './time-text.js';

/** One snapshot in a history, with what changed since the one before it. */
export interface HistoryEntry {
  snapshot: SchemaSnapshot;
  /** Changes since the previous snapshot (empty for the first). */
  changes: string[];
  breaking: boolean;
}

/** The snapshots of a target, oldest first, each with the changes since the one before. */
export class SchemaHistory {
  constructor(
    readonly target: string,
    readonly entries: HistoryEntry[],
  ) {}

  [JUPYTER_DISPLAY](): MimeBundle {
    return tableBundle({
      caption: `Schema history of ${this.target}: ${this.entries.length} snapshot${this.entries.length === 1 ? '' : 's'}`,
      columns: [{ name: 'taken at' }, { name: 'fingerprint' }, { name: 'columns' }, { name: 'rows' }, { name: 'changes since previous' }],
      rows: this.entries.map((e, i) => [
        formatTime(e.snapshot.takenAt),
        e.snapshot.fingerprint,
        e.snapshot.columns.length,
        e.snapshot.rowCount,
        i === 0 ? '(first snapshot)' : e.changes.length ? `${e.breaking ? 'BREAKING: ' : ''}${e.changes.join('; ')}` : 'none',
      ]),
    });
  }
}

/** The recorded snapshots of a target with the changes between consecutive ones. */
export async function schemaHistory(session: Session, source: TargetSource, options: TargetOptions = {}): Promise<SchemaHistory> {
  const key = typeof source === 'string' ? (await resolveTarget(session, source, options).catch(() => undefined))?.key ?? source.trim() : (await resolveTarget(session, source, options)).key;
  const snapshots = (await listSnapshots(session, key)).reverse();
  if (!snapshots.length) throw new DataKernelError(`No snapshots of ${key}`, `Record one with %schema snapshot ${key}`);
  const entries = snapshots.map((snapshot, i) => {
    if (i === 0) return { snapshot, changes: [], breaking: false };
    const previous = snapshots[i - 1];
    const diff = diffSchemas({ target: 'previous', kind: previous.kind, columns: previous.columns }, { target: 'this', kind: snapshot.kind, columns: snapshot.columns });
    const ordered = [...diff.breakingChanges, ...diff.changes.filter((c) => !c.breaking)];
    return { snapshot, changes: ordered.map(describeChange), breaking: diff.breaking };
  });
  return new SchemaHistory(key, entries);
}
