import { JUPYTER_DISPLAY, type MimeBundle } from '../display/mime.js';
import { tableBundle } from '../display/table.js';
import type { Session } from '../session/session.js';
import { schemaFingerprint } from './model.js';
import { columnsTable } from './show.js';
import { saveSnapshot, type SchemaSnapshot } from './snapshot-store.js';
import { resolveTarget, type TargetOptions, type TargetSource } from './target.js';
import { formatTime } from './time-text.js';

/** A recorded snapshot; displays its summary and columns. */
export class SnapshotView implements SchemaSnapshot {
  readonly target: string;
  readonly kind: SchemaSnapshot['kind'];
  readonly takenAt: Date;
  readonly fingerprint: string;
  readonly rowCount: number;
  readonly columns: SchemaSnapshot['columns'];

  constructor(snapshot: SchemaSnapshot) {
    this.target = snapshot.target;
    this.kind = snapshot.kind;
    this.takenAt = snapshot.takenAt;
    this.fingerprint = snapshot.fingerprint;
    this.rowCount = snapshot.rowCount;
    this.columns = snapshot.columns;
  }

  /** One line: target, time, size, fingerprint. */
  summary(): string {
    return `Snapshot of ${this.target} at ${formatTime(this.takenAt)}: ${this.columns.length} columns, ${this.rowCount.toLocaleString('en-US')} rows, fingerprint ${this.fingerprint}`;
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return tableBundle(columnsTable(this.columns, this.summary()));
  }
}

/** Reads the schema and row count of a target now, without recording them. */
export async function readSnapshot(session: Session, source: TargetSource, options: TargetOptions = {}): Promise<SchemaSnapshot> {
  const target = await resolveTarget(session, source, options);
  const schema = await target.schema();
  return {
    target: target.key,
    kind: target.kind,
    takenAt: new Date(),
    fingerprint: schemaFingerprint(schema.columns),
    rowCount: await target.rowCount(),
    columns: schema.columns,
  };
}

/** Records the schema, row count and fingerprint of a target in the project's catalog (.datakernel/catalog.duckdb). */
export async function snapshotSchema(session: Session, source: TargetSource, options: TargetOptions = {}): Promise<SnapshotView> {
  const snapshot = await readSnapshot(session, source, options);
  await saveSnapshot(session, snapshot);
  return new SnapshotView(snapshot);
}
