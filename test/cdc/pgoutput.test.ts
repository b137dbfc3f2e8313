import { describe, expect, it } from 'vitest';
import { decodePgOutput, formatLsn, parseLsn, PgOutputError, replicationNames, UNCHANGED, walLevelError, slotsExhaustedError } from '../../src/cdc/index.js';

/** Builds a message as the server writes it: big-endian integers, zero-terminated strings. */
class Writer {
  private parts: Buffer[] = [];
  byte(value: number | string) {
    this.parts.push(Buffer.from([typeof value === 'string' ? value.charCodeAt(0) : value]));
    return this;
  }
  /** A fixed-size field written by one of Buffer's writers. */
  private fixed<T>(bytes: number, write: (b: Buffer, value: T) => unknown, value: T) {
    const b = Buffer.alloc(bytes);
    write(b, value);
    this.parts.push(b);
    return this;
  }
  int16(value: number) {
    return this.fixed(2, (b, v: number) => b.writeInt16BE(v), value);
  }
  int32(value: number) {
    return this.fixed(4, (b, v: number) => b.writeInt32BE(v), value);
  }
  uint32(value: number) {
    return this.fixed(4, (b, v: number) => b.writeUInt32BE(v), value);
  }
  int64(value: bigint) {
    return this.fixed(8, (b, v: bigint) => b.writeBigInt64BE(v), value);
  }
  string(text: string) {
    this.parts.push(Buffer.from(`${text}\0`, 'utf8'));
    return this;
  }
  text(value: string) {
    const bytes = Buffer.from(value, 'utf8');
    return this.byte('t').int32(bytes.length).raw(bytes);
  }
  raw(bytes: Buffer) {
    this.parts.push(bytes);
    return this;
  }
  done() {
    return Buffer.concat(this.parts);
  }
}

describe('pgoutput decoder', () => {
  it('reads begin, relation, insert, update, delete, truncate and commit as the docs lay them out', () => {
    const commitMicros = 789_000_000_000_000n; // 2025-01-01T...
    const begin = decodePgOutput(new Writer().byte('B').int64(0x1_0000_0010n).int64(commitMicros).uint32(4_000_000_000).done());
    expect(begin).toEqual({ tag: 'begin', finalLsn: 0x1_0000_0010n, commitTime: new Date(946_684_800_000 + 789_000_000_000), xid: 4_000_000_000 });

    const relation = decodePgOutput(
      new Writer().byte('R').uint32(3_000_000_000).string('public').string('orders').byte('d').int16(2)
        .byte(1).string('id').uint32(23).int32(-1)
        .byte(0).string('note').uint32(25).int32(-1).done(),
    );
    expect(relation).toEqual({
      tag: 'relation', oid: 3_000_000_000, schema: 'public', table: 'orders', replicaIdentity: 'd',
      columns: [{ name: 'id', key: true, typeOid: 23, typeModifier: -1 }, { name: 'note', key: false, typeOid: 25, typeModifier: -1 }],
    });

    const insert = decodePgOutput(new Writer().byte('I').uint32(3_000_000_000).byte('N').int16(2).text('7').text('héllo, "wörld"').done());
    expect(insert).toEqual({ tag: 'insert', relation: 3_000_000_000, values: ['7', 'héllo, "wörld"'] });

    const update = decodePgOutput(new Writer().byte('U').uint32(1).byte('K').int16(2).text('7').byte('n').byte('N').int16(2).text('8').byte('u').done());
    expect(update).toEqual({ tag: 'update', relation: 1, key: ['7', null], values: ['8', UNCHANGED] });
    const plain = decodePgOutput(new Writer().byte('U').uint32(1).byte('N').int16(1).byte('n').done());
    expect(plain).toEqual({ tag: 'update', relation: 1, values: [null] });

    expect(decodePgOutput(new Writer().byte('D').uint32(1).byte('O').int16(1).text('9').done())).toEqual({ tag: 'delete', relation: 1, old: ['9'] });
    expect(decodePgOutput(new Writer().byte('T').int32(2).byte(3).uint32(1).uint32(2).done())).toEqual({ tag: 'truncate', relations: [1, 2], cascade: true, restartIdentity: true });
    const commit = decodePgOutput(new Writer().byte('C').byte(0).int64(0x10n).int64(0x48n).int64(0n).done());
    expect(commit).toEqual({ tag: 'commit', commitLsn: 0x10n, endLsn: 0x48n, commitTime: new Date(946_684_800_000) });
  });

  it('refuses malformed messages with a protocol error instead of misreading them', () => {
    expect(() => decodePgOutput(new Writer().byte('I').uint32(1).byte('N').int16(1).byte('t').int32(10).raw(Buffer.from('abc')).done())).toThrow(PgOutputError);
    expect(() => decodePgOutput(new Writer().byte('I').uint32(1).byte('N').int16(1).byte('b').done())).toThrow(/unknown tuple value kind "b"/);
    expect(() => decodePgOutput(new Writer().byte('R').uint32(1).raw(Buffer.from('no terminator')).done())).toThrow(/terminating zero/);
    expect(() => decodePgOutput(new Writer().byte('Z').done())).toThrow(/unknown message type "Z"/);
    expect(() => decodePgOutput(new Writer().byte('D').uint32(1).byte('N').done())).toThrow(/expected K or O/);
    expect(() => decodePgOutput(new Writer().byte('C').byte(0).int64(1n).int64(2n).int64(0n).byte(0).done())).toThrow(/trailing bytes/);
  });

  it('parses and prints LSNs as Postgres does', () => {
    expect(parseLsn('16/B374D848')).toBe(0x16_b374d848n);
    expect(formatLsn(0x16_b374d848n)).toBe('16/B374D848');
    expect(formatLsn(parseLsn('0/0'))).toBe('0/0');
    expect(() => parseLsn('16-B374')).toThrow(/Not a WAL position/);
  });
});

describe('replication set-up messages', () => {
  it('names wal_level, its fix and the restart when logical decoding is off', () => {
    const error = walLevelError('replica');
    expect(error.message).toBe('Change data capture needs wal_level = logical; this server has wal_level = replica');
    expect(error.hint).toMatch(/ALTER SYSTEM SET wal_level = logical/);
    expect(error.hint).toMatch(/restart/);
    expect(slotsExhaustedError(10, 10).message).toMatch(/max_replication_slots = 10/);
  });

  it('derives slot and publication names that Postgres accepts, one per destination', () => {
    const a = replicationNames('/home/me/project', 'data/Orders (2024)');
    const b = replicationNames('/home/me/other', 'data/Orders (2024)');
    expect(a.slot).toMatch(/^dk_data_orders_2024_[0-9a-f]{8}$/);
    expect(a.slot).not.toBe(b.slot);
    expect(replicationNames('/p', 'x'.repeat(200)).slot.length).toBeLessThanOrEqual(63);
  });
});
