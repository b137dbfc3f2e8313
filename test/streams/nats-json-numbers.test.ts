import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_SAMPLE } from '../../src/connectors/stream.js';
import type { IngestResult } from '../../src/ingest/index.js';
import type { SchemaDrift } from '../../src/schema/index.js';
import { typeChange } from '../../src/schema/type-compat.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import type { StreamSchemaTimeline } from '../../src/streams/index.js';
import { TestMagicContext } from '../helpers/magic-context.js';
import { NATS, testStream, uniqueStream } from './nats-helper.js';

// JSON has no int/float distinction: 3 after 2.5 is the same number field, while 2.5 after 3 widens it.
describe('integers in a field already inferred DOUBLE are no schema change', () => {
  const ctx = new TestMagicContext();
  const streams: Array<Awaited<ReturnType<typeof testStream>>> = [];
  const open = async (label: string) => {
    const name = uniqueStream(label);
    const stream = await testStream(name);
    streams.push(stream);
    return { name, stream };
  };
  afterAll(async () => {
    await ctx.session.close();
    for (const stream of streams) await stream.remove();
  });

  let fractionsFirst: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => {
    fractionsFirst = await open('dbl');
    await fractionsFirst.stream.publish([{ id: 1, amount: 2.5, item: { qty: 0.5 } }, { id: 2, amount: 3, item: { qty: 1 } }, { id: 3, amount: 4, item: { qty: 2 } }]);
    await ctx.magic('connect', `dbl ${NATS} --stream ${fractionsFirst.name}`);
  });

  it('the timeline (and so %watch) reports no change for 3 after 2.5, top level or nested', async () => {
    const timeline = (await ctx.magic('schema', 'timeline dbl')) as StreamSchemaTimeline;
    expect(timeline.changes).toEqual([]);
    expect(timeline.summary()).toMatch(/one schema throughout/);
  });

  it('a field that starts holding fractions is still a type change, at the message it began', async () => {
    const { name, stream } = await open('widen');
    await stream.publish([{ amount: 3 }, { amount: 4 }, { amount: 2.5 }, { amount: 5 }]);
    await ctx.magic('connect', `widen ${NATS} --stream ${name}`);
    const timeline = (await ctx.magic('schema', 'timeline widen')) as StreamSchemaTimeline;
    // Judged by %schema diff's rules (BIGINT above 2^53 loses precision in DOUBLE).
    expect(timeline.changes.map((c) => [c.sequence, c.kind, c.column, c.before, c.after, c.reason])).toEqual([[3, 'type', 'amount', 'BIGINT', 'DOUBLE', typeChange('BIGINT', 'DOUBLE').reason]]);
  });

  it('%schema drift: a snapshot that saw DOUBLE, then only integers in the sampled messages, is no drift', async () => {
    await ctx.magic('schema', 'snapshot dbl');
    // Enough integer messages that the newest SCHEMA_SAMPLE hold no fraction: their inference alone says BIGINT.
    await fractionsFirst.stream.publish(Array.from({ length: SCHEMA_SAMPLE + 10 }, (_, i) => ({ id: 10 + i, amount: i, item: { qty: i % 3 } })));
    const drift = (await ctx.magic('schema', 'drift dbl')) as SchemaDrift;
    expect(drift.changes).toEqual([]);
    expect(drift.drifted).toBe(false);
    expect(drift.summary()).toMatch(/no schema drift/);
    // A real change is still drift.
    await fractionsFirst.stream.publish(Array.from({ length: SCHEMA_SAMPLE }, (_, i) => ({ id: 5000 + i, amount: `${i}`, item: { qty: 1 } })));
    const changed = (await ctx.magic('schema', 'drift dbl')) as SchemaDrift;
    expect(changed.changes.map((c) => [c.kind, c.column, c.before, c.after])).toEqual([['type', 'amount', 'DOUBLE', 'VARCHAR']]);
  });

  it('%ingest: a part of integers after a part with fractions lands as DOUBLE, not blocked', async () => {
    const { name, stream } = await open('ingest');
    await stream.publish([{ id: 1, amount: 2.5, item: { qty: 0.5 } }, { id: 2, amount: 3, item: { qty: 1 } }]);
    await ctx.magic('connect', `nums ${NATS} --stream ${name}`);
    const first = (await ctx.magic('ingest', 'nums --into lake/nums')) as IngestResult;
    expect(first.rows).toBe(2);
    await stream.publish([{ id: 3, amount: 7, item: { qty: 4 } }, { id: 4, amount: 8, item: { qty: 5 } }]);
    const second = (await ctx.magic('ingest', 'nums --into lake/nums')) as IngestResult;
    expect(second.rows).toBe(2);
    expect(second.diff?.changes ?? []).toEqual([]);
    const lake = join(ctx.session.projectDir, 'lake/nums');
    expect(readdirSync(lake).filter((f) => f.endsWith('.parquet'))).toHaveLength(2);
    const { connection } = await embeddedDuckDB(ctx.session);
    const schema = (await connection.runAndReadAll(`SELECT name, type FROM parquet_schema('${lake}/*.parquet') WHERE name IN ('amount', 'qty') ORDER BY file_name, name`)).getRows();
    expect(schema).toEqual([['amount', 'DOUBLE'], ['qty', 'DOUBLE'], ['amount', 'DOUBLE'], ['qty', 'DOUBLE']]);
    const rows = (await connection.runAndReadAll(`SELECT id, amount, item.qty AS qty FROM read_parquet('${lake}/*.parquet') ORDER BY id`)).getRows();
    expect(rows).toEqual([[1n, 2.5, 0.5], [2n, 3, 1], [3n, 7, 4], [4n, 8, 5]]);
  });
});
