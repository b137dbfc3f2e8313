import { resolve } from 'node:path';
import type { Client } from 'pg';
import type { PostgresConnection } from '../connectors/postgres.js';
import { parsePgArray } from '../connectors/pg-array.js';
import { pgTextColumn, pgTypeToDuckDB } from '../connectors/pg-types.js';
import { isConnectionLost } from '../connectors/source-error.js';
import { TextLoader, type TextColumn } from '../connectors/text-loader.js';
import { Progress } from '../display/progress.js';
import { DataKernelError, InterruptedError } from '../errors.js';
import { IngestBlockedError, IngestResult, type ChangeCounts } from '../ingest/result.js';
import { checkSchema } from '../ingest/schema-gate.js';
import type { SchemaDiff } from '../schema/diff.js';
import type { ColumnSchema } from '../schema/model.js';
import { projectKey, resolveTarget } from '../schema/target.js';
import type { Session } from '../session/session.js';
import { relationOf, tempTable, type TableRef } from '../sql/column-writer.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { quoteIdent, tempName } from '../sql/identifiers.js';
import { nameParts } from '../sql/sql-text.js';
import { ChangeLog } from './change-log.js';
import { formatLsn, parseLsn, type Lsn } from './lsn.js';
import { UNCHANGED, type RelationMessage, type TupleValue } from './pgoutput.js';
import { readPosition, savePosition, type CdcPosition } from './position-store.js';
import { ReplicationConnection, type ReplicationEvent } from './replication.js';
import { assertFreeSlot, captureTable, checkServer, ensurePublication, replicationNames, slotActiveError, slotsExhaustedError, slotState, type CaptureTable } from './source-checks.js';

/** Options of a change data capture run. */
export interface CaptureOptions {
  /** Destination folder: `changes/` (the change log) and `current.parquet` (the latest rows) go in it. */
  into: string;
  /** Folder `into` is relative to. @default the project folder */
  cwd?: string;
  /** Apply a schema change the gate calls breaking (a dropped or narrowed column). @default false */
  allowBreaking?: boolean;
  /** Stop after about this many changes (at the end of a transaction). @default no limit */
  maxChanges?: number;
  /**
   * Follow new changes until none arrived for this many seconds. Without it a run stops once it has read the
   * WAL up to where it stood at the start.
   */
  untilIdle?: number;
  /** Changes per Parquet part file (each committed, with its LSN, before the next is read). @default 50000 */
  batchChanges?: number;
}

type Op = 'insert' | 'update' | 'delete' | 'truncate';

interface Change {
  op: Op;
  seq: number;
  values: TupleValue[];
}

/** The table as the stream describes it: columns in order with their types, for the gate and the writer. */
interface Layout {
  oid?: number;
  columns: ColumnSchema[];
  text: TextColumn[];
}

const DEFAULT_BATCH = 50_000;
const IDLE_PING_MS = 200;
// A server with nothing more to send reports the same position to every ping.
const SETTLED_PINGS = 10;
const STATUS_EVERY_MS = 10_000;

function sourceParts(table: string): { schema: string; name: string } {
  const parts = nameParts(table).map((p) => (p.quoted ? p.name : p.name.toLowerCase()));
  if (parts.length === 1) return { schema: 'public', name: parts[0] };
  if (parts.length === 2) return { schema: parts[0], name: parts[1] };
  throw new DataKernelError(`Not a table name: ${table}`, 'Name the table as NAME.schema.table, e.g. pg.public.orders.');
}

/** The Postgres connection and table a `NAME.schema.table` source names. */
export async function connectionOf(session: Session, source: string, cwd: string): Promise<{ connector: PostgresConnection; table: string }> {
  const target = await resolveTarget(session, source, { cwd });
  if (!target.remote) {
    throw new DataKernelError(`--mode cdc reads a table of a Postgres connection, and ${source} is not one`, 'Name it as NAME.schema.table after %connect NAME postgres://...');
  }
  if (target.remote.connector.kind !== 'postgres') {
    throw new DataKernelError(`--mode cdc reads Postgres tables; ${target.remote.connector.name} is a ${target.remote.connector.kind} connection`, 'Use --mode incremental --cursor COLUMN for other sources.');
  }
  return { connector: target.remote.connector as PostgresConnection, table: target.remote.table };
}

/** Postgres' type names for the relation's columns, as the connector maps them (domains by their base type). */
async function layoutOf(client: Client, relation: RelationMessage): Promise<Layout> {
  const { rows } = await client.query(
    `SELECT CASE WHEN ty.typtype = 'd' THEN format_type(ty.typbasetype, ty.typtypmod) ELSE format_type(t.oid, t.mod) END AS name
     FROM unnest($1::oid[], $2::int[]) WITH ORDINALITY AS t(oid, mod, n) LEFT JOIN pg_type ty ON ty.oid = t.oid ORDER BY t.n`,
    [relation.columns.map((c) => c.typeOid), relation.columns.map((c) => (c.typeModifier < 0 ? null : c.typeModifier))],
  );
  const types = rows.map((r: { name: string | null }) => r.name ?? 'text');
  const columns = relation.columns.map((c, i): ColumnSchema => ({
    name: c.name,
    sourceType: types[i],
    duckdbType: pgTypeToDuckDB(types[i]),
    nullable: true,
    position: i + 1,
  }));
  return { oid: relation.oid, columns, text: columns.map((c) => pgTextColumn(c.name, c.sourceType)) };
}

const sameLayout = (a: Layout | undefined, b: Layout) =>
  a !== undefined && a.columns.length === b.columns.length && a.columns.every((c, i) => c.name === b.columns[i].name && c.sourceType === b.columns[i].sourceType);

const CHANGE_TEXT: TextColumn[] = [
  { name: '_op', duckdbType: 'VARCHAR' },
  { name: '_lsn', duckdbType: 'UBIGINT' },
  { name: '_seq', duckdbType: 'INTEGER' },
  { name: '_commit_time', duckdbType: 'TIMESTAMPTZ' },
  { name: '_unchanged', duckdbType: 'VARCHAR[]', convert: (c) => `CAST(CAST(${c} AS JSON) AS VARCHAR[])` },
];

/**
 * Change data capture from a Postgres table into a Parquet change log plus its current state, through logical
 * replication (pgoutput). The first run creates the publication and slot and copies the table in the slot's
 * exported snapshot; every run then applies the changes committed since, in batches: each batch's Parquet is
 * moved into place before its LSN is saved in the catalog, and only then acknowledged to Postgres, so a run
 * killed at any point resumes with no change lost or repeated. Relation messages (DDL) pass the %ingest schema gate.
 */
export async function ingestChanges(session: Session, source: string, options: CaptureOptions): Promise<IngestResult> {
  const started = Date.now();
  const cwd = options.cwd ?? session.projectDir;
  const { connector, table: tableName } = await connectionOf(session, source, cwd);
  const path = resolve(cwd, options.into);
  const key = projectKey(session, path);
  const log = new ChangeLog(path);
  log.recover();
  const { schema, name } = sourceParts(tableName);
  const config = connector.clientConfig();
  const fail = (error: unknown, sql?: string) => connector.sourceError(error, sql);

  const { default: pg } = await import('pg');
  const control = new pg.Client(config);
  control.on('error', () => undefined);
  let replication: ReplicationConnection | undefined;
  const { connection } = await embeddedDuckDB(session);
  const counts: ChangeCounts = { snapshot: 0, insert: 0, update: 0, delete: 0, truncate: 0 };
  const diffs: SchemaDiff[] = [];
  let files: string[] = [];
  const progress = new Progress({ label: `cdc ${connector.name}.${schema}.${name} -> ${options.into}`, unit: 'changes' });
  try {
    await control.connect().catch((error) => {
      throw fail(error);
    });
    await checkServer(control);
    const table = await captureTable(control, schema, name);
    const database = connector.displayUri;
    const stored = await readPosition(session, key);
    if (stored && stored.table !== `${schema}.${name}`) {
      throw new DataKernelError(`${options.into} holds changes of ${stored.table}, not ${schema}.${name}`, 'Write this table to another destination (--into).');
    }
    const names = replicationNames(session.projectDir, key);
    const position: CdcPosition = stored ?? { destination: key, table: `${schema}.${name}`, database, slot: names.slot, publication: names.publication };
    const fromFiles = await log.lastLsn(connection);
    if (fromFiles !== undefined && (position.committed === undefined || fromFiles > position.committed)) position.committed = fromFiles;
    counts.from = position.committed === undefined ? undefined : formatLsn(position.committed);

    let slot = await waitForSlot(control, position.slot);
    if (slot && slot.plugin !== 'pgoutput') {
      throw new DataKernelError(`Replication slot ${position.slot} already exists with plugin ${slot.plugin}`, `It is not this destination's: drop it (SELECT pg_drop_replication_slot('${position.slot}')) or write to another destination.`);
    }
    let layout: Layout | undefined;
    if (position.committed === undefined) {
      if (slot && !stored) {
        throw new DataKernelError(
          `Replication slot ${position.slot} already exists, and ${options.into} was not started from it`,
          `If it is left from an earlier project, drop it (SELECT pg_drop_replication_slot('${position.slot}')) and run again; or write to another destination.`,
        );
      }
      // A run killed during its snapshot left the slot, with nothing stored: start the snapshot again.
      if (slot) await control.query('SELECT pg_drop_replication_slot($1)', [position.slot]);
      await ensurePublication(control, position.publication, table);
      await assertFreeSlot(control);
      await savePosition(session, position);
      replication = await ReplicationConnection.open(config).catch((error) => {
        throw fail(error);
      });
      progress.update(0, 'creating the replication slot');
      const created = await replication.createSlot(position.slot).catch(async (error) => {
        if ((error as { code?: string }).code === '53400') {
          const { rows } = await control.query(`SELECT count(*)::int AS used, current_setting('max_replication_slots')::int AS max FROM pg_replication_slots`);
          throw slotsExhaustedError(rows[0].used, rows[0].max);
        }
        throw fail(error);
      });
      progress.update(0, 'copying the table as of the slot');
      counts.snapshot = await writeSnapshot(session, connector, log, table, created.snapshot, created.consistentPoint);
      progress.update(counts.snapshot, 'snapshot written');
      files = [...files, 'changes (snapshot)'];
      position.committed = created.consistentPoint;
      await savePosition(session, position);
      slot = await slotState(control, position.slot);
    } else {
      if (!slot) {
        throw new DataKernelError(
          `Replication slot ${position.slot} of ${options.into} is gone (dropped outside datakernel), so the changes after ${formatLsn(position.committed)} cannot be read`,
          `Start again with a new snapshot: delete ${options.into} (or write to another destination) and run the same %ingest.`,
        );
      }
      await ensurePublication(control, position.publication, table);
      if (!stored) await savePosition(session, position);
      replication = await ReplicationConnection.open(config).catch((error) => {
        throw fail(error);
      });
    }

    const storedColumns = await log.rowSchema(connection);
    layout = storedColumns && { columns: storedColumns, text: storedColumns.map((c) => pgTextColumn(c.name, c.sourceType)) };
    const target = parseLsn(String((await control.query('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0].lsn));
    await replication.start(position.slot, position.publication, position.committed!).catch((error) => {
      if ((error as { code?: string }).code === '55006') throw slotActiveError(position.slot, slot?.activePid ?? 0);
      throw fail(error);
    });

    const stream = new ChangeStream(session, replication, control, table, log, position, options, counts, diffs, progress, layout, target);
    let blocked: IngestBlockedError | undefined;
    try {
      files = [...files, ...(await stream.run())];
    } catch (error) {
      // What came before the blocked DDL is committed; the current state shows it too.
      if (!(error instanceof IngestBlockedError)) throw error;
      blocked = error;
    }
    layout = stream.layout;
    await replication.close();
    replication = undefined;

    if (layout && (position.compacted === undefined || position.compacted < position.committed! || !log.current.exists())) {
      progress.update(counts.insert + counts.update + counts.delete, 'compacting the current state');
      await log.compact(connection, table.key, layout.columns, log.current.exists() ? position.compacted : undefined);
      position.compacted = position.committed;
      await savePosition(session, position);
      files.push('current.parquet');
    }
    if (blocked) throw blocked;
    counts.to = formatLsn(position.committed!);
    const rows = counts.snapshot + counts.insert + counts.update + counts.delete + counts.truncate;
    progress.finish(`${rows.toLocaleString('en-US')} changes applied`);
    const diff = diffs.at(-1);
    return new IngestResult({ source: `${connector.name}.${schema}.${name}`, destination: key, mode: 'cdc', rows, files, changes: counts, ...(diff ? { diff } : {}), seconds: (Date.now() - started) / 1000 });
  } finally {
    await replication?.close();
    await control.end().catch(() => undefined);
  }
}

// A slot the previous run of this process let go of stays active until its server process exits.
async function waitForSlot(control: Client, slot: string) {
  for (let attempt = 0; ; attempt++) {
    const state = await slotState(control, slot);
    if (!state?.activePid) return state;
    if (attempt >= 20) throw slotActiveError(slot, state.activePid);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** Copies the table in the slot's snapshot into the log as `snapshot` rows at the slot's consistent point. */
async function writeSnapshot(session: Session, connector: PostgresConnection, log: ChangeLog, table: CaptureTable, snapshot: string, at: Lsn): Promise<number> {
  const { connection } = await embeddedDuckDB(session);
  const staged = tempTable(tempName('cdc_snapshot'));
  try {
    const rows = await connector.copyInto(staged, { table: `${quoteIdent(table.schema)}.${quoteIdent(table.name)}` }, { snapshot });
    await log.append(
      connection,
      `SELECT 'snapshot' AS _op, ${at}::UBIGINT AS _lsn, 0 AS _seq, now() AS _commit_time, NULL::VARCHAR[] AS _unchanged, * FROM ${relationOf(staged)}`,
    );
    return rows;
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${relationOf(staged)}`);
  }
}

/** One run's read of the replication stream: transactions collected, batches committed, the position kept. */
class ChangeStream {
  private transaction?: { commitTime: Date; changes: Change[] };
  private pending: Array<{ lsn: Lsn; commitTime: Date; changes: Change[] }> = [];
  private pendingChanges = 0;
  private applied = 0;
  private received: Lsn;
  private lastStatus = Date.now();
  private readonly files: string[] = [];

  constructor(
    private readonly session: Session,
    private readonly replication: ReplicationConnection,
    private readonly control: Client,
    private readonly table: CaptureTable,
    private readonly log: ChangeLog,
    private readonly position: CdcPosition,
    private readonly options: CaptureOptions,
    private readonly counts: ChangeCounts,
    private readonly diffs: SchemaDiff[],
    private readonly progress: Progress,
    public layout: Layout | undefined,
    private readonly target: Lsn,
  ) {
    this.received = position.committed!;
  }

  private get committed(): Lsn {
    return this.position.committed!;
  }

  /** Reads until caught up, idle or at the change limit; returns the part files written. */
  async run(): Promise<string[]> {
    const stopOnInterrupt = this.session.onInterrupt(() => void this.replication.close());
    let settled = 0;
    let lastEnd: Lsn | undefined;
    let lastData = Date.now();
    try {
      for (;;) {
        this.session.throwIfInterrupted();
        const event = await this.replication.next(IDLE_PING_MS);
        if (event === 'timeout') {
          if (!this.transaction && this.options.untilIdle !== undefined && Date.now() - lastData >= this.options.untilIdle * 1000) break;
          this.status(true);
          continue;
        }
        if (event === undefined) {
          this.session.throwIfInterrupted();
          break;
        }
        if (event.kind === 'keepalive') {
          if (event.walEnd > this.received && !this.transaction) this.received = event.walEnd;
          if (event.replyRequested || Date.now() - this.lastStatus > STATUS_EVERY_MS) this.status();
          if (this.transaction) continue;
          settled = lastEnd === event.walEnd ? settled + 1 : 0;
          lastEnd = event.walEnd;
          const caughtUp = event.walEnd >= this.target || settled >= SETTLED_PINGS;
          if (caughtUp && this.options.untilIdle === undefined) break;
          continue;
        }
        lastData = Date.now();
        settled = 0;
        if (await this.apply(event)) break;
      }
      await this.flush();
      return this.files;
    } catch (error) {
      if (error instanceof IngestBlockedError || error instanceof DataKernelError || error instanceof InterruptedError) throw error;
      if (isConnectionLost(error) || (error as { code?: string }).code !== undefined) {
        const kept = formatLsn(this.committed);
        throw new DataKernelError(
          `The replication stream from ${this.table.schema}.${this.table.name} broke off after ${this.applied.toLocaleString('en-US')} changes: ${String((error as Error).message ?? error)}`,
          `Everything up to LSN ${kept} is saved (the unsaved ${this.pendingChanges.toLocaleString('en-US')} changes were not written and will be read again); run the same %ingest to resume from there.`,
        );
      }
      throw error;
    } finally {
      stopOnInterrupt();
    }
  }

  // With nothing pending or open, everything the server sent so far is handled: confirming it lets the slot
  // release WAL that held no change of this table.
  private status(replyRequested = false): void {
    this.lastStatus = Date.now();
    const idle = !this.transaction && this.pending.length === 0 && this.received > this.committed;
    this.replication.sendStatus(idle ? this.received : this.committed, this.received, replyRequested);
  }

  /** Applies one data message; true when the run should stop (the change limit is reached). */
  private async apply(event: Extract<ReplicationEvent, { kind: 'data' }>): Promise<boolean> {
    const message = event.message;
    switch (message.tag) {
      case 'begin':
        this.transaction = { commitTime: message.commitTime, changes: [] };
        return false;
      case 'relation':
        if (message.schema === this.table.schema && message.table === this.table.name) await this.relation(message);
        return false;
      case 'insert':
      case 'update':
      case 'delete': {
        if (message.relation !== this.layout?.oid || !this.transaction) return false;
        const values = message.tag === 'delete' ? (message.key ?? message.old ?? []) : message.values;
        this.transaction.changes.push({ op: message.tag, seq: this.transaction.changes.length + 1, values });
        return false;
      }
      case 'truncate':
        if (this.layout?.oid !== undefined && message.relations.includes(this.layout.oid) && this.transaction) {
          this.transaction.changes.push({ op: 'truncate', seq: this.transaction.changes.length + 1, values: this.layout.columns.map(() => null) });
        }
        return false;
      case 'commit': {
        const transaction = this.transaction;
        this.transaction = undefined;
        if (this.received < message.endLsn) this.received = message.endLsn;
        // Already in the log: a run killed after its Parquet commit and before Postgres heard of it.
        if (!transaction || message.endLsn <= this.committed) return false;
        this.pending.push({ lsn: message.endLsn, commitTime: message.commitTime, changes: transaction.changes });
        this.pendingChanges += transaction.changes.length;
        this.applied += transaction.changes.length;
        for (const change of transaction.changes) this.counts[change.op]++;
        this.progress.update(this.counts.snapshot + this.applied);
        if (this.pendingChanges >= (this.options.batchChanges ?? DEFAULT_BATCH)) await this.flush();
        return this.options.maxChanges !== undefined && this.applied >= this.options.maxChanges;
      }
      default:
        return false;
    }
  }

  /**
   * A table's shape, sent before its first change of a stream and after DDL: a new shape passes the schema gate
   * against what the destination holds; the changes before it are committed first, in the shape they had.
   */
  private async relation(message: RelationMessage): Promise<void> {
    const next = await layoutOf(this.control, message);
    if (sameLayout(this.layout, next)) {
      this.layout!.oid = message.oid;
      return;
    }
    await this.flush();
    if (this.layout) {
      const diff = checkSchema({ target: this.position.destination, kind: 'file', columns: this.layout.columns }, next.columns, `${this.table.schema}.${this.table.name}`, this.options.allowBreaking === true);
      if (!diff.identical) this.diffs.push(diff);
      // Changes of this transaction before the DDL move to the new columns by name.
      if (this.transaction?.changes.length) {
        const old = this.layout.columns.map((c) => c.name);
        for (const change of this.transaction.changes) change.values = next.columns.map((c) => (old.includes(c.name) ? change.values[old.indexOf(c.name)] : null));
      }
    }
    this.layout = next;
  }

  /** Writes the pending transactions as one part file, then saves their LSN, then tells Postgres. */
  private async flush(): Promise<void> {
    const last = this.pending.at(-1);
    if (!last) return;
    if (this.pendingChanges > 0) {
      const layout = this.layout!;
      const { connection } = await embeddedDuckDB(this.session);
      const staged: TableRef = tempTable(tempName('cdc_changes'));
      const loader = new TextLoader(connection, staged, [...CHANGE_TEXT, ...layout.text]);
      const arrays = layout.text.flatMap((c, i) => (c.duckdbType.endsWith('[]') ? [i] : []));
      const width = layout.text.length;
      try {
        for (const transaction of this.pending) {
          const lsn = transaction.lsn.toString();
          const time = transaction.commitTime.toISOString();
          const rows: (string | null)[][] = [];
          for (const change of transaction.changes) {
            let unchanged: string[] | undefined;
            const row: (string | null)[] = [change.op, lsn, String(change.seq), time, null];
            for (let i = 0; i < width; i++) {
              const value = change.values[i];
              if (value === UNCHANGED) {
                (unchanged ??= []).push(layout.text[i].name);
                row.push(null);
              } else row.push(value ?? null);
            }
            for (const i of arrays) if (row[i + 5] !== null) row[i + 5] = JSON.stringify(parsePgArray(row[i + 5]!));
            // Most changes carry every value: their _unchanged stays NULL, with no list to parse.
            if (unchanged) row[4] = JSON.stringify(unchanged);
            rows.push(row);
          }
          await loader.append(rows);
        }
        await loader.finish();
        this.files.push(...(await this.log.append(connection, `SELECT * FROM ${relationOf(staged)}`)).map((f) => `changes/${f}`));
      } catch (error) {
        loader.abort();
        throw error;
      } finally {
        await connection.run(`DROP TABLE IF EXISTS ${relationOf(staged)}`);
      }
    }
    this.position.committed = last.lsn;
    await savePosition(this.session, this.position);
    this.pending = [];
    this.pendingChanges = 0;
    this.status();
  }
}
