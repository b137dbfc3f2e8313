import { catalogTables } from '../catalog/catalog.js';
import type { Session } from '../session/session.js';

/** Where an incremental load stopped: the largest cursor value loaded into a destination. */
export interface IngestCursor {
  /** The destination, relative to the project folder. */
  destination: string;
  column: string;
  /** The value as DuckDB prints it (cast back with `type`). */
  value: string;
  /** The cursor column's DuckDB type. */
  type: string;
  updatedAt: Date;
}

const withCursors = catalogTables(`CREATE TABLE IF NOT EXISTS ingest_cursors (
    destination VARCHAR PRIMARY KEY,
    cursor_column VARCHAR NOT NULL,
    cursor_value VARCHAR NOT NULL,
    cursor_type VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
  )`);

/** The stored cursor of a destination, if an incremental load ran before. */
export async function readCursor(session: Session, destination: string): Promise<IngestCursor | undefined> {
  return withCursors(session, async (connection) => {
    const reader = await connection.runAndReadAll(
      'SELECT cursor_column, cursor_value, cursor_type, epoch_ms(updated_at) AS ms FROM ingest_cursors WHERE destination = $1',
      [destination],
    );
    const row = reader.getRowObjectsJS()[0];
    return row && { destination, column: String(row.cursor_column), value: String(row.cursor_value), type: String(row.cursor_type), updatedAt: new Date(Number(row.ms)) };
  });
}

/** Stores (or replaces) the cursor of a destination. */
export async function saveCursor(session: Session, cursor: Omit<IngestCursor, 'updatedAt'>): Promise<void> {
  await withCursors(session, async (connection) => {
    await connection.run(
      `INSERT OR REPLACE INTO ingest_cursors VALUES ($1, $2, $3, $4, now())`,
      [cursor.destination, cursor.column, cursor.value, cursor.type],
    );
  });
}

/** Forgets the cursor of a destination (an overwrite starts incremental loads afresh). */
export async function clearCursor(session: Session, destination: string): Promise<void> {
  await withCursors(session, async (connection) => {
    await connection.run('DELETE FROM ingest_cursors WHERE destination = $1', [destination]);
  });
}
