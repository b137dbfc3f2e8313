// A streaming replication connection (Postgres docs: "Streaming Replication Protocol"): slot creation with an
// exported snapshot, START_REPLICATION in CopyBoth mode, XLogData and keepalives in, standby status updates out.
import type { Client, ClientConfig } from 'pg';
import { decodePgOutput, toPgTime, type PgOutputMessage } from './pgoutput.js';
import { formatLsn, parseLsn, type Lsn } from './lsn.js';

/** What arrives on a replication stream. */
export type ReplicationEvent =
  | { kind: 'data'; walStart: Lsn; walEnd: Lsn; message: PgOutputMessage }
  | { kind: 'keepalive'; walEnd: Lsn; replyRequested: boolean };

/** A slot just created: where its stream starts, and the snapshot that sees the data as of that point. */
export interface CreatedSlot {
  consistentPoint: Lsn;
  snapshot: string;
}

// Events read ahead of the consumer before the socket is paused: Parquet writes must not let memory grow.
const HIGH_WATER = 10_000;

// The walsender prints values with the session's settings; these match the connector's normal sessions.
const SESSION_OPTIONS = "-c TimeZone=UTC -c DateStyle=ISO -c IntervalStyle=postgres -c extra_float_digits=1";

interface PgConnection {
  on(event: string, listener: (message: { chunk: Buffer }) => void): void;
  removeAllListeners(event?: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  stream: { pause(): void; resume(): void };
}

/** A replication connection (`replication=database`) to one database. */
export class ReplicationConnection {
  private queue: ReplicationEvent[] = [];
  private waiting?: { resolve: (event: ReplicationEvent | undefined) => void; reject: (error: unknown) => void };
  private failure?: unknown;
  private paused = false;
  private streaming?: Promise<unknown>;
  private closed = false;

  private constructor(private readonly client: Client) {}

  /** Opens a replication connection with the settings of a normal one. */
  static async open(config: ClientConfig): Promise<ReplicationConnection> {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ ...config, replication: 'database', options: SESSION_OPTIONS } as ClientConfig);
    const connection = new ReplicationConnection(client);
    client.on('error', (error) => connection.fail(error));
    client.on('end', () => connection.fail(new Error('Connection terminated: the replication connection closed')));
    await client.connect();
    return connection;
  }

  /** The server process of this connection (what pg_terminate_backend would end). */
  get pid(): number {
    return (this.client as Client & { processID: number }).processID;
  }

  /**
   * Creates a logical slot with pgoutput and exports its snapshot. The snapshot lives until this connection
   * runs its next command, so read the table with it before start().
   */
  async createSlot(name: string): Promise<CreatedSlot> {
    const result = await this.client.query(`CREATE_REPLICATION_SLOT ${quoteName(name)} LOGICAL pgoutput (SNAPSHOT 'export')`);
    const row = result.rows[0] as { consistent_point: string; snapshot_name: string };
    return { consistentPoint: parseLsn(row.consistent_point), snapshot: row.snapshot_name };
  }

  /** Starts streaming the slot's changes of `publication` from `from` (the server resumes at the slot's confirmed point if later). */
  async start(slot: string, publication: string, from: Lsn): Promise<void> {
    const connection = (this.client as Client & { connection: PgConnection }).connection;
    connection.on('copyData', ({ chunk }) => this.receive(chunk));
    const started = new Promise<void>((resolve) => connection.on('replicationStart', () => resolve()));
    const sql = `START_REPLICATION SLOT ${quoteName(slot)} LOGICAL ${formatLsn(from)} (proto_version '1', publication_names '${publication.replace(/'/g, "''")}')`;
    this.streaming = this.client.query(sql).then(
      () => this.fail(new Error('Connection terminated: the server ended the replication stream')),
      (error) => this.fail(error),
    );
    await Promise.race([started, this.streaming.then(() => {
      throw this.failure;
    })]);
  }

  /**
   * The next event, or 'timeout' when none arrived within `timeoutMs`; undefined after close(). Rejects once
   * the connection fails (after the events that came before the failure).
   */
  next(timeoutMs: number): Promise<ReplicationEvent | undefined | 'timeout'> {
    const event = this.queue.shift();
    if (this.paused && this.queue.length < HIGH_WATER / 2) {
      this.paused = false;
      this.socket().resume();
    }
    if (event) return Promise.resolve(event);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      // The timer and the socket are both event-loop tasks: whichever runs first takes the waiter, so an event
      // is never handed to a waiter that already timed out.
      const timer = setTimeout(() => {
        if (this.waiting !== waiter) return;
        this.waiting = undefined;
        resolve('timeout');
      }, timeoutMs);
      const waiter = {
        resolve: (value: ReplicationEvent | undefined) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiting = waiter;
    });
  }

  /**
   * Tells the server what is safely stored: `flushed` (everything up to it is saved; the slot may drop older WAL)
   * and `received`. Asking for a reply makes the server send a keepalive with its current position.
   */
  sendStatus(flushed: Lsn, received: Lsn, replyRequested = false): void {
    if (this.failure !== undefined || this.closed) return;
    const message = Buffer.alloc(34);
    message.write('r', 0);
    message.writeBigUInt64BE(received, 1);
    message.writeBigUInt64BE(flushed, 9);
    message.writeBigUInt64BE(flushed, 17);
    message.writeBigInt64BE(toPgTime(new Date()), 25);
    message.writeUInt8(replyRequested ? 1 : 0, 33);
    (this.client as Client & { connection: PgConnection }).connection.sendCopyFromChunk(message);
  }

  /** Ends the connection (the slot becomes free for the next run). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.waiting?.resolve(undefined);
    this.waiting = undefined;
    await this.client.end().catch(() => undefined);
    await this.streaming?.catch(() => undefined);
  }

  private socket() {
    return (this.client as Client & { connection: PgConnection }).connection.stream;
  }

  private receive(chunk: Buffer): void {
    let event: ReplicationEvent;
    try {
      if (chunk[0] === 0x77 /* w */) {
        event = { kind: 'data', walStart: chunk.readBigUInt64BE(1), walEnd: chunk.readBigUInt64BE(9), message: decodePgOutput(chunk.subarray(25)) };
      } else if (chunk[0] === 0x6b /* k */) {
        event = { kind: 'keepalive', walEnd: chunk.readBigUInt64BE(1), replyRequested: chunk[17] === 1 };
      } else throw new Error(`unknown replication message type ${chunk[0]}`);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve(event);
      return;
    }
    this.queue.push(event);
    if (!this.paused && this.queue.length >= HIGH_WATER) {
      this.paused = true;
      this.socket().pause();
    }
  }

  private fail(error: unknown): void {
    if (this.closed || this.failure !== undefined) return;
    this.failure = error;
    if (this.waiting) {
      const { reject } = this.waiting;
      this.waiting = undefined;
      reject(error);
    }
  }
}

/** A slot or publication name as an identifier of the replication grammar. */
const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`;
