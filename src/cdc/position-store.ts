import { catalogTables } from '../catalog/catalog.js';
import type { Session } from '../session/session.js';
import { formatLsn, parseLsn, type Lsn } from './lsn.js';

/** A destination fed by change data capture: its source table, slot and publication, and how far it got. */
export interface CdcPosition {
  /** The destination folder, relative to the project folder. */
  destination: string;
  /** The source table as `schema.table`. */
  table: string;
  /** The database the slot lives in (host/port/db, no credentials). */
  database: string;
  slot: string;
  publication: string;
  /** Changes committed up to here are in the change log (unset until the initial snapshot is). */
  committed?: Lsn;
  /** The current-state file holds every change up to here. */
  compacted?: Lsn;
}

const withPositions = catalogTables(`CREATE TABLE IF NOT EXISTS cdc_positions (
    destination VARCHAR PRIMARY KEY,
    source_table VARCHAR NOT NULL,
    source_database VARCHAR NOT NULL,
    slot VARCHAR NOT NULL,
    publication VARCHAR NOT NULL,
    committed_lsn VARCHAR,
    compacted_lsn VARCHAR,
    updated_at TIMESTAMPTZ NOT NULL
  )`);

/** The stored position of a destination, if CDC fed it before. */
export async function readPosition(session: Session, destination: string): Promise<CdcPosition | undefined> {
  return withPositions(session, async (connection) => {
    const reader = await connection.runAndReadAll('SELECT * FROM cdc_positions WHERE destination = $1', [destination]);
    const row = reader.getRowObjectsJS()[0];
    if (!row) return undefined;
    return {
      destination,
      table: String(row.source_table),
      database: String(row.source_database),
      slot: String(row.slot),
      publication: String(row.publication),
      ...(row.committed_lsn !== null ? { committed: parseLsn(String(row.committed_lsn)) } : {}),
      ...(row.compacted_lsn !== null ? { compacted: parseLsn(String(row.compacted_lsn)) } : {}),
    };
  });
}

/** Stores (or replaces) a destination's position. */
export async function savePosition(session: Session, position: CdcPosition): Promise<void> {
  await withPositions(session, async (connection) => {
    const lsn = (value?: Lsn) => (value === undefined ? null : formatLsn(value));
    await connection.run('INSERT OR REPLACE INTO cdc_positions VALUES ($1, $2, $3, $4, $5, $6, $7, now())', [
      position.destination,
      position.table,
      position.database,
      position.slot,
      position.publication,
      lsn(position.committed),
      lsn(position.compacted),
    ]);
  });
}

/** Forgets a destination's position (its slot was dropped). */
export async function clearPosition(session: Session, destination: string): Promise<void> {
  await withPositions(session, async (connection) => {
    await connection.run('DELETE FROM cdc_positions WHERE destination = $1', [destination]);
  });
}
