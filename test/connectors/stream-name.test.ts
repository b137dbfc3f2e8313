import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/connectors/index.js';
import { Session } from '../../src/session/session.js';
import { runSql } from '../../src/sql/index.js';
import { NATS, testStream, uniqueStream } from '../streams/nats-helper.js';

const session = new Session(mkdtempSync(join(tmpdir(), 'dk-stream-name-')));
const name = uniqueStream('name');
let stream: Awaited<ReturnType<typeof testStream>>;

beforeAll(async () => {
  stream = await testStream(name);
  await stream.publish([{ id: 1 }]);
});
afterAll(async () => {
  await session.close();
  await stream.remove();
});

describe('%connect of a stream under a name DuckDB already uses', () => {
  it("refuses, and the user's table keeps its rows; a free name (and reconnecting it) works", async () => {
    await runSql(session, 'CREATE TABLE orders AS SELECT 42 AS mine');
    await expect(connect(session, 'Orders', NATS, { stream: name })).rejects.toThrow(/DuckDB already has a table named Orders: connecting as Orders would replace it with the stream's messages/);
    expect(await (await runSql(session, 'SELECT * FROM orders')).toArray()).toEqual([{ mine: 42 }]);
    await connect(session, 'orders_stream', NATS, { stream: name });
    await connect(session, 'orders_stream', NATS, { stream: name });
    expect(await (await runSql(session, 'SELECT count(*)::INT AS n FROM orders_stream')).toArray()).toEqual([{ n: 1 }]);
  });
});
