// What logical replication needs of the server, the role and the table, each checked before anything is
// created, with an error that names the setting and the fix.
import { createHash } from 'node:crypto';
import type { Client } from 'pg';
import { DataKernelError } from '../errors.js';
import { quoteQualified } from '../sql/identifiers.js';

/** The slot and publication names of a destination: readable, unique per project and destination, <= 63 bytes. */
export function replicationNames(projectDir: string, destination: string): { slot: string; publication: string } {
  const slug = destination.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40);
  const hash = createHash('sha256').update(`${projectDir}\0${destination}`).digest('hex').slice(0, 8);
  const name = `dk_${slug}_${hash}`;
  return { slot: name, publication: name };
}

/** The error for a server whose wal_level is not logical. */
export function walLevelError(level: string): DataKernelError {
  return new DataKernelError(
    `Change data capture needs wal_level = logical; this server has wal_level = ${level}`,
    "As a superuser run ALTER SYSTEM SET wal_level = logical; then restart Postgres (e.g. pg_ctlcluster <version> main restart): the setting only takes effect after a restart.",
  );
}

/** The error for a server whose replication slots are all taken. */
export function slotsExhaustedError(used: number, max: number): DataKernelError {
  return new DataKernelError(
    `No replication slot is free: ${used} of max_replication_slots = ${max} are in use`,
    'Drop slots nobody reads (SELECT slot_name, active FROM pg_replication_slots; SELECT pg_drop_replication_slot(name)), or raise max_replication_slots (ALTER SYSTEM SET max_replication_slots = ...; restart Postgres).',
  );
}

/** A table as change data capture reads it. */
export interface CaptureTable {
  schema: string;
  name: string;
  /** `"schema"."name"` for SQL. */
  qualified: string;
  /** Columns that identify a row (the primary key, or the replica identity index). */
  key: string[];
}

const one = async (client: Client, sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows[0] as Record<string, unknown> | undefined;

/** Checks the server settings and the role's rights; throws the error that names what to change. */
export async function checkServer(client: Client): Promise<void> {
  const settings = await one(client, `SELECT current_setting('wal_level') AS wal_level, (SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user) AS can_replicate, current_user AS role`);
  if (settings!.wal_level !== 'logical') throw walLevelError(String(settings!.wal_level));
  if (!settings!.can_replicate) {
    throw new DataKernelError(
      `Role ${settings!.role} may not start replication (it lacks the REPLICATION attribute)`,
      `As a superuser run ALTER ROLE ${settings!.role} WITH REPLICATION; (and let it connect for replication in pg_hba.conf), or connect as a role that has it.`,
    );
  }
}

/** True when another slot can be created. */
export async function assertFreeSlot(client: Client): Promise<void> {
  const row = await one(client, `SELECT (SELECT count(*)::int FROM pg_replication_slots) AS used, current_setting('max_replication_slots')::int AS max`);
  if (Number(row!.used) >= Number(row!.max)) throw slotsExhaustedError(Number(row!.used), Number(row!.max));
}

/** Resolves `schema.table` and the columns that identify its rows; a table updates cannot identify is refused. */
export async function captureTable(client: Client, schema: string, table: string): Promise<CaptureTable> {
  const qualified = quoteQualified(schema, table);
  const row = await one(
    client,
    `SELECT c.relreplident AS identity, c.relkind AS kind,
       ARRAY(SELECT a.attname FROM pg_index i JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, n) ON true
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
             WHERE i.indrelid = c.oid AND ((c.relreplident = 'i' AND i.indisreplident) OR (c.relreplident <> 'i' AND i.indisprimary)) ORDER BY k.n)::text[] AS key
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
    [schema, table],
  );
  if (!row) throw new DataKernelError(`No table ${schema}.${table}`, 'Check the name: %connect NAME --tables lists the tables of a connection.');
  if (row.kind !== 'r' && row.kind !== 'p') throw new DataKernelError(`${schema}.${table} is not a table (logical replication publishes tables only)`, 'Capture the tables a view reads instead.');
  const key = (row.key as string[] | null) ?? [];
  if (row.identity === 'n' || key.length === 0) {
    throw new DataKernelError(
      `${schema}.${table} has no primary key${row.identity === 'n' ? ' and REPLICA IDENTITY NOTHING' : ''}, so updates and deletes cannot say which row they change`,
      `Add one (ALTER TABLE ${qualified} ADD PRIMARY KEY (...)), or name a unique index over NOT NULL columns: ALTER TABLE ${qualified} REPLICA IDENTITY USING INDEX index_name.`,
    );
  }
  return { schema, name: table, qualified, key };
}

/** The publication of a destination: created for the table, or checked to publish exactly it. */
export async function ensurePublication(client: Client, publication: string, table: CaptureTable): Promise<void> {
  const tables = (await client.query('SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1', [publication])).rows as Array<{ schemaname: string; tablename: string }>;
  const exists = await one(client, 'SELECT puballtables FROM pg_publication WHERE pubname = $1', [publication]);
  if (!exists) {
    await client.query(`CREATE PUBLICATION ${quoteQualified(publication)} FOR TABLE ${table.qualified}`);
    return;
  }
  const ours = tables.length === 1 && tables[0].schemaname === table.schema && tables[0].tablename === table.name && !exists.puballtables;
  if (!ours) {
    throw new DataKernelError(
      `Publication ${publication} exists and publishes ${exists.puballtables ? 'all tables' : tables.map((t) => `${t.schemaname}.${t.tablename}`).join(', ') || 'nothing'}, not ${table.schema}.${table.name}`,
      `It is not this destination's: drop it (DROP PUBLICATION ${publication}) if nothing uses it, or write to another destination.`,
    );
  }
}

/** A replication slot as pg_replication_slots shows it. */
export interface SlotState {
  plugin: string;
  database: string;
  activePid?: number;
  confirmedFlush?: string;
}

/** The slot's state, if it exists. */
export async function slotState(client: Client, slot: string): Promise<SlotState | undefined> {
  const row = await one(client, 'SELECT plugin, database, active_pid, confirmed_flush_lsn::text AS confirmed FROM pg_replication_slots WHERE slot_name = $1', [slot]);
  if (!row) return undefined;
  return {
    plugin: String(row.plugin),
    database: String(row.database),
    ...(row.active_pid !== null ? { activePid: Number(row.active_pid) } : {}),
    ...(row.confirmed !== null ? { confirmedFlush: String(row.confirmed) } : {}),
  };
}

/** The error for a slot another reader holds open. */
export const slotActiveError = (slot: string, pid: number) =>
  new DataKernelError(
    `Replication slot ${slot} is in use by server process ${pid}: another load of this destination is reading it`,
    'Wait for that load to finish (or stop it), then run again; one reader at a time keeps the change log exact.',
  );
