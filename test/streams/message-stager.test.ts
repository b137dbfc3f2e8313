import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempTable } from '../../src/sql/column-writer.js';
import { MessageStager, rawTableSql } from '../../src/streams/message-stager.js';
import type { StreamMessage } from '../../src/streams/stream-source.js';

let instance: DuckDBInstance;
let connection: DuckDBConnection;
const raw = tempTable('staged');
const encoder = new TextEncoder();
const decoder = new TextDecoder();

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  // Timestamps must land as the instant, whatever the session's zone.
  await connection.run("SET TimeZone = 'America/New_York'");
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

const message = (sequence: number, data: Uint8Array | string, subject = 'orders.eu', partition = 0): StreamMessage => ({
  subject,
  sequence,
  timestamp: new Date(1_767_225_600_123 + sequence),
  partition,
  data: typeof data === 'string' ? encoder.encode(data) : data,
});

async function stage(messages: StreamMessage[], batch = 1000): Promise<MessageStager> {
  await connection.run(rawTableSql(raw));
  const stager = new MessageStager(connection, raw);
  for (let i = 0; i < messages.length; i += batch) await stager.add(messages.slice(i, i + batch));
  await stager.flush();
  return stager;
}

const staged = async () =>
  (await connection.runAndReadAll('SELECT subject, sequence, epoch_ms("timestamp") AS ms, "partition", payload, ok FROM temp.main.staged ORDER BY sequence')).getRowObjectsJS();

/** What the table must hold for a message: its envelope, its payload decoded (bad bytes replaced), and `ok`. */
const expected = (m: StreamMessage, ok: boolean) => ({ subject: m.subject, sequence: BigInt(m.sequence), ms: BigInt(m.timestamp.getTime()), partition: m.partition, payload: decoder.decode(m.data), ok });

describe('MessageStager', () => {
  it('stages every kind of payload as its text, with the envelope exact and ok only for JSON objects', async () => {
    const cases: Array<[Uint8Array | string, boolean]> = [
      ['{"id": 1, "name": "plain"}', true],
      ['  {"padded": true}  ', true],
      ['{"tab":\t1}', true],
      ['{"quotes": "he said \\"hi\\"", "back": "c:\\\\dir", "single": "it\'s"}', true],
      ['{"city": "Zürich", "emoji": "🚀", "cjk": "東京"}', true],
      ['{\n  "pretty": [1, 2],\n  "printed": {"a": null}\n}', true],
      ['{"crlf": 1,\r\n "b": 2}', true],
      [new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), true],
      ['{"unit": "a\x1fb"}', false],
      ['{"nul": "a\x00b"}', false],
      ['', false],
      ['"a string"', false],
      ['[1, 2, 3]', false],
      ['{"broken": ', false],
      ['not json at all', false],
      ['{"comma": 1,}', true],
      [`{"big": "${'x'.repeat(1_100_000)}"}`, true],
    ];
    const messages = cases.map(([data], i) => message(i + 1, data));
    const stager = await stage(messages);
    expect(await staged()).toEqual(messages.map((m, i) => expected(m, cases[i][1])));
    expect(stager.appendedThrough).toBe(cases.length);
  });

  it('keeps odd subjects and partitions as they came', async () => {
    const messages = [message(1, '{"a":1}', 'événements.ü', 3), message(2, '{"a":2}', 'tab\there', 1), message(3, '{"a":3}', '', 0), message(4, '{"a":4}', 'orders.eu', 7)];
    await stage(messages);
    expect(await staged()).toEqual(messages.map((m) => expected(m, true)));
  });

  it('appends many batches across several flushes in order, and leaves no staging file behind', async () => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith(`dk-stage-${process.pid}-`)).length;
    const messages = Array.from({ length: 40_000 }, (_, i) => message(i + 1, i % 1000 === 7 ? '{"odd":\n1}' : JSON.stringify({ id: i + 1, v: (i % 7) / 2 })));
    const stager = await stage(messages, 5000);
    const rows = await staged();
    expect(rows).toHaveLength(40_000);
    expect(rows.map((r) => Number(r.sequence))).toEqual(messages.map((m) => m.sequence));
    expect(rows.every((r) => r.ok === true)).toBe(true);
    expect(rows[12_345]).toEqual(expected(messages[12_345], true));
    expect(stager.appendedThrough).toBe(40_000);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith(`dk-stage-${process.pid}-`)).length).toBe(before);
  });

  it('flushing nothing appends nothing and keeps the position', async () => {
    const stager = await stage([]);
    expect(await staged()).toEqual([]);
    expect(stager.appendedThrough).toBeUndefined();
  });
});
