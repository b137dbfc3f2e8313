import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relationOf, tempTable } from '../../src/sql/column-writer.js';
import { payloadFit } from '../../src/streams/payload-fit.js';
import { MessageStager, rawTableSql } from '../../src/streams/message-stager.js';
import { buildTypedFromSample, buildTypedInFull, buildTypedTable } from '../../src/streams/stream-table.js';

// Past the sample the typing reads (20,480 valid messages) and twice it, so a part of this size is typed from it.
const PART = 42_000;
const LATE = 30_000;

const encoder = new TextEncoder();
const order = (i: number): Record<string, unknown> => ({
  id: i,
  amount: i % 4 === 0 ? i / 4 : i / 8,
  region: ['eu', 'us', 'apac'][i % 3],
  // Optional: absent in some messages, null in others.
  ...(i % 5 === 0 ? {} : { coupon: i % 7 === 0 ? null : `c-${i % 11}` }),
  paid: i % 2 === 0,
  delta: -i,
  // Integers of both signs: HUGEINT.
  balance: i % 3 === 0 ? -i : i,
  tags: i % 6 === 0 ? [] : ['a', i % 2 ? 'b' : null],
  scores: [i % 10, (i % 10) / 4],
  ranks: [i % 5, i % 7],
  item: { sku: `sku-${i % 97}`, qty: i % 9, ...(i % 4 ? { note: 'gift' } : {}) },
  ...(i % 13 === 0 ? { item: null } : {}),
});

let instance: DuckDBInstance;
let connection: DuckDBConnection;
const raw = tempTable('fit_raw');

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

async function stage(payloads: string[]): Promise<void> {
  await connection.run(rawTableSql(raw));
  const stager = new MessageStager(connection, raw);
  const at = new Date('2026-01-01T00:00:00Z');
  await stager.add(payloads.map((p, i) => ({ subject: 'orders', sequence: i + 1, timestamp: at, partition: 0, data: encoder.encode(p) })));
  await stager.flush();
}

const rowsOf = async (table: string) => (await connection.runAndReadAll(`SELECT * FROM ${table} ORDER BY sequence`)).getRowsJS();
const typesOf = async (table: string) => (await connection.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE ${table})`)).getRowsJS();

/** The sample path's fields over the staged part, after checking its table and fields against typing in full. */
async function sampledMatchingFull(): Promise<unknown> {
  const fromSample = tempTable('fit_sampled');
  const inFull = tempTable('fit_full');
  const sampled = await buildTypedFromSample(connection, raw, fromSample);
  const full = await buildTypedInFull(connection, raw, inFull);
  if (sampled) {
    expect(sampled).toEqual(full);
    expect(await typesOf(relationOf(fromSample))).toEqual(await typesOf(relationOf(inFull)));
    expect(await rowsOf(relationOf(fromSample))).toEqual(await rowsOf(relationOf(inFull)));
  }
  return sampled;
}

describe('typing a part from a sample of its messages', () => {
  it('gives the fields, types, nullability and rows that typing every message gives', async () => {
    await stage(Array.from({ length: PART }, (_, i) => JSON.stringify(order(i + 1))));
    expect(await sampledMatchingFull()).toBeDefined();
  });

  it('with malformed messages among them, types only the valid ones, as typing in full does', async () => {
    await stage(Array.from({ length: PART }, (_, i) => (i % 1000 === 7 ? '{"id": 1,' : i % 1000 === 8 ? '[1, 2]' : JSON.stringify(order(i + 1)))));
    expect(await sampledMatchingFull()).toBeDefined();
  });

  // One message past the sample that the sample's types would hold only with a loss, or not at all.
  const misfits: Array<[string, Record<string, unknown>]> = [
    ['a new top-level key', { extra: 1 }],
    ['a new nested key', { item: { sku: 'x', qty: 1, colour: 'red' } }],
    ['a fraction in an integer field', { delta: 2.5 }],
    ['a non-negative integer among negative ones', { delta: 3 }],
    ['a negative integer among non-negative ones', { id: -3 }],
    ['a negative integer in a nested field of non-negative ones', { item: { sku: 'x', qty: -1 } }],
    ['a negative integer among non-negative list elements', { ranks: [1, -1] }],
    ['a string in an integer field', { delta: '5' }],
    ['an integer past BIGINT', { id: '__BIG__' }],
    ['a number in a string field', { region: 5 }],
    ['a boolean in a string field', { region: true }],
    ['an object in a string field', { region: { code: 'eu' } }],
    ['a string in a boolean field', { paid: 'yes' }],
    ['a number among string list elements', { tags: ['a', 3] }],
    ['a list where an object was', { item: [1] }],
    ['an object where a list was', { scores: { a: 1 } }],
  ];
  for (const [change, fields] of misfits) {
    it(`falls back to typing in full on ${change}`, async () => {
      const payloads = Array.from({ length: PART }, (_, i) => JSON.stringify(order(i + 1)));
      payloads[LATE] = JSON.stringify({ ...order(LATE + 1), ...fields }).replace('"__BIG__"', '18446744073709551615');
      await stage(payloads);
      expect(await buildTypedFromSample(connection, raw, tempTable('fit_sampled'))).toBeUndefined();
      // The table a load builds is then the one typing in full builds.
      const built = tempTable('fit_built');
      const inFull = tempTable('fit_full');
      expect(await buildTypedTable(connection, raw, built)).toEqual(await buildTypedInFull(connection, raw, inFull));
      expect(await rowsOf(relationOf(built))).toEqual(await rowsOf(relationOf(inFull)));
    });
  }

  // The JSON reader stops at an object with a key given twice; json_valid lets it through.
  for (const [where, size] of [['a part typed from a sample', PART], ['a small part', 2_000]] as const) {
    it(`takes messages with a key given twice for malformed, in ${where}`, async () => {
      const payloads = Array.from({ length: size }, (_, i) => JSON.stringify(order(i + 1)));
      const twice = [size - 900, size - 10];
      payloads[twice[0]] = payloads[twice[0]].replace('"region":', '"region":"xx","region":');
      payloads[twice[1]] = payloads[twice[1]].replace('"qty":', '"qty":1,"qty":');
      await stage(payloads);
      const built = tempTable('fit_built');
      const fields = await buildTypedTable(connection, raw, built);
      const notOk = (await connection.runAndReadAll(`SELECT sequence FROM ${relationOf(raw)} WHERE NOT ok ORDER BY sequence`)).getRowsJS();
      expect(notOk).toEqual(twice.map((i) => [BigInt(i + 1)]));
      // The rest typed as they would be without those two.
      const typedRows = await rowsOf(relationOf(built));
      await stage(payloads.filter((_, i) => !twice.includes(i)));
      const inFull = tempTable('fit_full');
      expect(fields).toEqual(await buildTypedInFull(connection, raw, inFull));
      expect(typedRows.length).toBe(size - 2);
      expect(typedRows.map((r) => r.slice(3))).toEqual((await rowsOf(relationOf(inFull))).map((r) => r.slice(3)));
    });
  }

  it('types a small part in full', async () => {
    await stage(Array.from({ length: 2000 }, (_, i) => JSON.stringify(order(i + 1))));
    expect(await buildTypedFromSample(connection, raw, tempTable('fit_sampled'))).toBeUndefined();
  });
});

describe('payloadFit', () => {
  it('fits integers of both signs where the reader inferred HUGEINT', () => {
    expect(payloadFit([{ name: 'v', type: 'HUGEINT', nullable: false }])?.mixedSigns).toBe('false');
  });

  it('has no fit for types the reader infers from more than the kinds of values', () => {
    for (const type of ['TIMESTAMP', 'DATE', 'JSON', 'JSON[]', 'MAP(VARCHAR, BIGINT)', 'STRUCT(a BIGINT)[]', 'BIGINT[][]', 'UBIGINT']) {
      expect(payloadFit([{ name: 'v', type, nullable: false }]), type).toBeUndefined();
    }
    expect(payloadFit([])).toBeUndefined();
  });

  it('fits nested structs and lists of scalars, whatever the keys are called', () => {
    const fit = payloadFit([
      { name: 'we"ird.key', type: 'STRUCT("a b" BIGINT, c DOUBLE[])', nullable: true },
      { name: 'ok', type: 'BOOLEAN', nullable: false },
    ]);
    expect(fit?.probes).toContain('$."we\\"ird.key"."a b"');
    expect(fit?.probes).toContain('$."we\\"ird.key"."c"[*]');
  });
});
