import { resolve } from 'node:path';
import { DataKernelError } from '../errors.js';
import { projectKey } from '../schema/target.js';
import type { Session } from '../session/session.js';
import { quoteQualified } from '../sql/identifiers.js';
import { connectionOf } from './capture.js';
import { clearPosition, readPosition } from './position-store.js';
import { slotState } from './source-checks.js';

/**
 * Ends change data capture into a destination: drops its replication slot (a slot nobody reads keeps WAL on the
 * server forever) and its publication, and forgets its position. The Parquet stays; capturing again needs a
 * fresh destination (a new snapshot). Returns false when the destination had no capture.
 */
export async function dropCapture(session: Session, source: string, options: { into: string; cwd?: string }): Promise<boolean> {
  const cwd = options.cwd ?? session.projectDir;
  const key = projectKey(session, resolve(cwd, options.into));
  const position = await readPosition(session, key);
  if (!position) return false;
  const { connector } = await connectionOf(session, source, cwd);
  const { default: pg } = await import('pg');
  const client = new pg.Client(connector.clientConfig());
  client.on('error', () => undefined);
  try {
    await client.connect().catch((error) => {
      throw connector.sourceError(error);
    });
    const slot = await slotState(client, position.slot);
    if (slot?.activePid) throw new DataKernelError(`Replication slot ${position.slot} is in use by server process ${slot.activePid}`, 'Stop the load reading it, then drop it.');
    if (slot) await client.query('SELECT pg_drop_replication_slot($1)', [position.slot]);
    await client.query(`DROP PUBLICATION IF EXISTS ${quoteQualified(position.publication)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  await clearPosition(session, key);
  return true;
}
