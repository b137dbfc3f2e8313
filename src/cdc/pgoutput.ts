// Decoder of pgoutput's logical replication messages, protocol version 1 (Postgres docs: "Logical Replication
// Message Formats"). Values stay as Postgres' text output: DuckDB casts text to types in bulk (as the connector's
// loads do), faster than JS parses each value.
import type { Lsn } from './lsn.js';

/** Marks a TOASTed column an update left unchanged: pgoutput does not send its value. */
export const UNCHANGED = Symbol('unchanged toast');

/** A column value: text, SQL NULL, or unchanged (see UNCHANGED). */
export type TupleValue = string | null | typeof UNCHANGED;

/** A column of a Relation message. */
export interface RelationColumn {
  name: string;
  /** Part of the replica identity (the primary key with REPLICA IDENTITY DEFAULT). */
  key: boolean;
  typeOid: number;
  typeModifier: number;
}

/** The shape of a table as pgoutput sends it, before its first change and again after DDL. */
export interface RelationMessage {
  tag: 'relation';
  oid: number;
  schema: string;
  table: string;
  /** d (primary key), n (nothing), f (full row), i (an index). */
  replicaIdentity: 'd' | 'n' | 'f' | 'i';
  columns: RelationColumn[];
}

export type PgOutputMessage =
  | { tag: 'begin'; finalLsn: Lsn; commitTime: Date; xid: number }
  | { tag: 'commit'; commitLsn: Lsn; endLsn: Lsn; commitTime: Date }
  | { tag: 'origin'; lsn: Lsn; name: string }
  | RelationMessage
  | { tag: 'type'; oid: number; schema: string; name: string }
  | { tag: 'insert'; relation: number; values: TupleValue[] }
  | { tag: 'update'; relation: number; old?: TupleValue[]; key?: TupleValue[]; values: TupleValue[] }
  | { tag: 'delete'; relation: number; old?: TupleValue[]; key?: TupleValue[] }
  | { tag: 'truncate'; relations: number[]; cascade: boolean; restartIdentity: boolean }
  | { tag: 'message'; transactional: boolean; lsn: Lsn; prefix: string; content: Buffer };

// Postgres timestamps count microseconds from 2000-01-01 UTC.
const PG_EPOCH_MS = 946_684_800_000n;

/** Microseconds since 2000-01-01 as a Date (millisecond precision). */
const pgTime = (micros: bigint): Date => new Date(Number(micros / 1000n + PG_EPOCH_MS));

/** Microseconds since 2000-01-01 for a Date. */
export const toPgTime = (date: Date): bigint => (BigInt(date.getTime()) - PG_EPOCH_MS) * 1000n;

/** A protocol violation: the bytes do not follow the message format. */
export class PgOutputError extends Error {
  constructor(message: string) {
    super(`pgoutput: ${message}`);
    this.name = 'PgOutputError';
  }
}

/** Reads one message's fields in order; every read checks the bounds. */
class Reader {
  private at = 0;
  constructor(private readonly buffer: Buffer) {}

  private need(bytes: number): void {
    if (this.at + bytes > this.buffer.length) throw new PgOutputError(`message ends early (${this.buffer.length} bytes, needed ${this.at + bytes})`);
  }
  byte(): number {
    this.need(1);
    return this.buffer[this.at++];
  }
  /** A fixed-size field read by one of Buffer's readers. */
  private fixed<T>(bytes: number, read: (at: number) => T): T {
    this.need(bytes);
    const value = read(this.at);
    this.at += bytes;
    return value;
  }
  int16(): number {
    return this.fixed(2, (at) => this.buffer.readInt16BE(at));
  }
  int32(): number {
    return this.fixed(4, (at) => this.buffer.readInt32BE(at));
  }
  uint32(): number {
    return this.fixed(4, (at) => this.buffer.readUInt32BE(at));
  }
  uint64(): bigint {
    return this.fixed(8, (at) => this.buffer.readBigUInt64BE(at));
  }
  int64(): bigint {
    return this.fixed(8, (at) => this.buffer.readBigInt64BE(at));
  }
  string(): string {
    const end = this.buffer.indexOf(0, this.at);
    if (end < 0) throw new PgOutputError('string without its terminating zero byte');
    const text = this.buffer.toString('utf8', this.at, end);
    this.at = end + 1;
    return text;
  }
  bytes(length: number): Buffer {
    if (length < 0) throw new PgOutputError(`negative length ${length}`);
    this.need(length);
    const slice = this.buffer.subarray(this.at, this.at + length);
    this.at += length;
    return slice;
  }
  tuple(): TupleValue[] {
    const count = this.int16();
    const values: TupleValue[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const kind = this.byte();
      if (kind === 0x6e /* n */) values[i] = null;
      else if (kind === 0x75 /* u */) values[i] = UNCHANGED;
      else if (kind === 0x74 /* t */) {
        const length = this.int32();
        values[i] = this.bytes(length).toString('utf8');
      } else throw new PgOutputError(`unknown tuple value kind ${JSON.stringify(String.fromCharCode(kind))} (binary values are not requested)`);
    }
    return values;
  }
  done(tag: string): void {
    if (this.at !== this.buffer.length) throw new PgOutputError(`${tag} message has ${this.buffer.length - this.at} trailing bytes`);
  }
}

function submessage(reader: Reader, tag: string): { old?: TupleValue[]; key?: TupleValue[]; next: number } {
  const kind = reader.byte();
  if (kind === 0x4b /* K */) return { key: reader.tuple(), next: reader.byte() };
  if (kind === 0x4f /* O */) return { old: reader.tuple(), next: reader.byte() };
  if (kind === 0x4e /* N */) return { next: kind };
  throw new PgOutputError(`${tag}: unexpected submessage ${JSON.stringify(String.fromCharCode(kind))}`);
}

/** Decodes one pgoutput message (the payload of an XLogData). */
export function decodePgOutput(buffer: Buffer): PgOutputMessage {
  const reader = new Reader(buffer);
  const tag = String.fromCharCode(reader.byte());
  let message: PgOutputMessage;
  switch (tag) {
    case 'B':
      message = { tag: 'begin', finalLsn: reader.uint64(), commitTime: pgTime(reader.int64()), xid: reader.uint32() };
      break;
    case 'C': {
      reader.byte(); // flags, unused
      message = { tag: 'commit', commitLsn: reader.uint64(), endLsn: reader.uint64(), commitTime: pgTime(reader.int64()) };
      break;
    }
    case 'O':
      message = { tag: 'origin', lsn: reader.uint64(), name: reader.string() };
      break;
    case 'R': {
      const oid = reader.uint32();
      const schema = reader.string();
      const table = reader.string();
      const identity = String.fromCharCode(reader.byte());
      if (!'dnfi'.includes(identity)) throw new PgOutputError(`unknown replica identity ${JSON.stringify(identity)}`);
      const columns: RelationColumn[] = [];
      for (let i = reader.int16(); i > 0; i--) {
        const flags = reader.byte();
        columns.push({ key: (flags & 1) === 1, name: reader.string(), typeOid: reader.uint32(), typeModifier: reader.int32() });
      }
      message = { tag: 'relation', oid, schema, table, replicaIdentity: identity as RelationMessage['replicaIdentity'], columns };
      break;
    }
    case 'Y':
      message = { tag: 'type', oid: reader.uint32(), schema: reader.string(), name: reader.string() };
      break;
    case 'I': {
      const relation = reader.uint32();
      const kind = reader.byte();
      if (kind !== 0x4e) throw new PgOutputError(`insert: expected N, got ${JSON.stringify(String.fromCharCode(kind))}`);
      message = { tag: 'insert', relation, values: reader.tuple() };
      break;
    }
    case 'U': {
      const relation = reader.uint32();
      const { old, key, next } = submessage(reader, 'update');
      if (next !== 0x4e) throw new PgOutputError(`update: expected N, got ${JSON.stringify(String.fromCharCode(next))}`);
      message = { tag: 'update', relation, ...(old ? { old } : {}), ...(key ? { key } : {}), values: reader.tuple() };
      break;
    }
    case 'D': {
      const relation = reader.uint32();
      const kind = reader.byte();
      if (kind === 0x4b) message = { tag: 'delete', relation, key: reader.tuple() };
      else if (kind === 0x4f) message = { tag: 'delete', relation, old: reader.tuple() };
      else throw new PgOutputError(`delete: expected K or O, got ${JSON.stringify(String.fromCharCode(kind))}`);
      break;
    }
    case 'T': {
      const count = reader.int32();
      const options = reader.byte();
      const relations: number[] = [];
      for (let i = 0; i < count; i++) relations.push(reader.uint32());
      message = { tag: 'truncate', relations, cascade: (options & 1) === 1, restartIdentity: (options & 2) === 2 };
      break;
    }
    case 'M': {
      const flags = reader.byte();
      const lsn = reader.uint64();
      const prefix = reader.string();
      message = { tag: 'message', transactional: (flags & 1) === 1, lsn, prefix, content: Buffer.from(reader.bytes(reader.int32())) };
      break;
    }
    default:
      throw new PgOutputError(`unknown message type ${JSON.stringify(tag)} (protocol version 1 was asked for)`);
  }
  reader.done(message.tag);
  return message;
}
