import { catalogTables } from '../catalog/catalog.js';
import type { Session } from '../session/session.js';
import type { ColumnSchema, TargetKind } from './model.js';

/** A schema as recorded in the project's catalog at one moment. */
export interface SchemaSnapshot {
  target: string;
  kind: TargetKind;
  takenAt: Date;
  fingerprint: string;
  rowCount: number;
  columns: ColumnSchema[];
}

const withSnapshots = catalogTables(`CREATE TABLE IF NOT EXISTS schema_snapshots (
    target VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    taken_at TIMESTAMPTZ NOT NULL,
    fingerprint VARCHAR NOT NULL,
    row_count BIGINT NOT NULL,
    columns VARCHAR NOT NULL
  )`);

/** Records a snapshot in .datakernel/catalog.duckdb. */
export async function saveSnapshot(session: Session, snapshot: SchemaSnapshot): Promise<void> {
  await withSnapshots(session, async (connection) => {
    const statement = await connection.prepare('INSERT INTO schema_snapshots VALUES ($1, $2, to_timestamp($3::DOUBLE / 1000), $4, $5, $6)');
    statement.bind([snapshot.target, snapshot.kind, snapshot.takenAt.getTime(), snapshot.fingerprint, snapshot.rowCount, JSON.stringify(snapshot.columns)]);
    await statement.run();
  });
}

/** Snapshots of `target`, newest first (at most `limit`). */
export async function listSnapshots(session: Session, target: string, limit = 1000): Promise<SchemaSnapshot[]> {
  return withSnapshots(session, async (connection) => {
    const statement = await connection.prepare(
      `SELECT target, kind, epoch_ms(taken_at) AS ms, fingerprint, row_count, columns FROM schema_snapshots
       WHERE target = $1 ORDER BY taken_at DESC LIMIT $2`,
    );
    statement.bind([target, limit]);
    const rows = (await statement.runAndReadAll()).getRowObjectsJS();
    return rows.map((r) => ({
      target: String(r.target),
      kind: String(r.kind) as TargetKind,
      takenAt: new Date(Number(r.ms)),
      fingerprint: String(r.fingerprint),
      rowCount: Number(r.row_count),
      columns: JSON.parse(String(r.columns)) as ColumnSchema[],
    }));
  });
}

/** The newest snapshot of `target`, if any. */
export async function latestSnapshot(session: Session, target: string): Promise<SchemaSnapshot | undefined> {
  return (await listSnapshots(session, target, 1))[0];
}
