import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchemaView } from '../../src/schema/index.js';
import type { QueryResult } from '../../src/sql/index.js';
import { TestMagicContext } from '../helpers/magic-context.js';
import { NATS, testStream, uniqueStream } from './nats-helper.js';

describe('%connect to a NATS JetStream stream, queried in %%sql', () => {
  const ctx = new TestMagicContext();
  const name = uniqueStream('connect');
  let stream: Awaited<ReturnType<typeof testStream>>;
  const sql = async (text: string) => ((await ctx.magic('sql', '', text)) as QueryResult).toArray();

  beforeAll(async () => {
    stream = await testStream(name);
    await stream.publish([
      { id: 1, amount: 10, customer: { name: 'ada', tier: 'gold' }, tags: ['new'] },
      { id: 2, amount: 12.5, customer: { name: 'bob' }, tags: [] },
      'this is {not json',
      { id: 3, amount: 7, customer: { name: 'cy', tier: 'silver' }, tags: ['vip', 'x'], coupon: 'SPRING' },
      '[1, 2, 3]',
    ]);
  });
  afterAll(async () => {
    await ctx.session.close();
    await stream.remove();
  });

  it('connects and names the stream', async () => {
    const shown = (await ctx.magic('connect', `events ${NATS} --stream ${name}`)) as { [k: symbol]: () => Record<string, string> };
    expect(JSON.stringify(shown[Symbol.for('Jupyter.display')]())).toContain(`stream ${name}`);
  });

  it('is a table of its JSON messages with subject, sequence and timestamp, widened and nested', async () => {
    const rows = await sql('SELECT subject, sequence, "timestamp", id, amount, customer.name AS who, customer.tier AS tier, len(tags) AS tags, coupon FROM events ORDER BY sequence');
    expect(rows.map((r) => [r.sequence, r.id, r.amount, r.who, r.tier, r.tags, r.coupon])).toEqual([
      [1n, 1n, 10, 'ada', 'gold', 1n, null],
      [2n, 2n, 12.5, 'bob', null, 0n, null],
      [4n, 3n, 7, 'cy', 'silver', 2n, 'SPRING'],
    ]);
    expect(rows[0].subject).toBe(stream.subject);
    expect(Math.abs(new Date(String(rows[0].timestamp)).getTime() - Date.now())).toBeLessThan(60_000);
    const types = await sql("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'events' ORDER BY ordinal_position");
    expect(types.map((t) => `${t.column_name} ${t.data_type}`)).toEqual([
      'subject VARCHAR', 'sequence BIGINT', 'timestamp TIMESTAMP WITH TIME ZONE', 'id BIGINT', 'amount DOUBLE',
      'customer STRUCT("name" VARCHAR, tier VARCHAR)', 'tags VARCHAR[]', 'coupon VARCHAR',
    ]);
  });

  it('reads only the new messages for the next query', async () => {
    await stream.publish([{ id: 4, amount: 1, customer: { name: 'di' }, tags: [], coupon: null }]);
    const [row] = await sql('SELECT count(*) AS n, max(id) AS top FROM events');
    expect(row).toEqual({ n: 4n, top: 4n });
  });

  it('infers the schema with nullability where a field is absent', async () => {
    const view = (await ctx.magic('schema', 'events')) as SchemaView;
    const columns = Object.fromEntries(view.columns.map((c) => [c.name, `${c.duckdbType}${c.nullable ? '' : ' NOT NULL'}`]));
    expect(columns).toEqual({
      subject: 'VARCHAR NOT NULL', sequence: 'BIGINT NOT NULL', timestamp: 'TIMESTAMP WITH TIME ZONE NOT NULL',
      id: 'BIGINT NOT NULL', amount: 'DOUBLE NOT NULL', customer: 'STRUCT(name VARCHAR, tier VARCHAR) NOT NULL',
      tags: 'VARCHAR[] NOT NULL', coupon: 'VARCHAR',
    });
  });

  it('counts and samples malformed messages, never dropping them silently', async () => {
    const { findConnection } = await import('../../src/connectors/index.js');
    const { isStreamConnector } = await import('../../src/connectors/stream.js');
    const connector = findConnection(ctx.session, 'events');
    if (!isStreamConnector(connector)) throw new Error('not a stream');
    const malformed = await connector.messages.malformed();
    expect(malformed).toEqual({ count: 2, sample: [{ sequence: 3, subject: stream.subject, payload: 'this is {not json' }, { sequence: 5, subject: stream.subject, payload: '[1, 2, 3]' }] });
  });

  it('says which stream is missing and what exists', async () => {
    await expect(ctx.magic('connect', `nope ${NATS} --stream DKS_NO_SUCH_STREAM`)).rejects.toThrow(/No JetStream stream DKS_NO_SUCH_STREAM at 127\.0\.0\.1:4222/);
    await expect(ctx.magic('connect', `nope ${NATS} --stream DKS_NO_SUCH_STREAM`)).rejects.toMatchObject({ hint: expect.stringContaining(name) });
  });

  it('names the broker it cannot reach, without the password', async () => {
    const error = await ctx.magic('connect', 'down nats://me:sekret@127.0.0.1:1 --stream X').catch((e: Error & { hint?: string }) => e);
    expect(String(error)).toMatch(/Cannot reach NATS broker at nats:\/\/me:\*\*\*@127\.0\.0\.1:1/);
    expect(`${String(error)} ${(error as { hint?: string }).hint}`).not.toContain('sekret');
  });
});
