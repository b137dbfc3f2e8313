import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchemaDrift } from '../../src/schema/index.js';
import type { StreamSchemaTimeline } from '../../src/streams/index.js';
import { TestMagicContext } from '../helpers/magic-context.js';
import { NATS, testStream, uniqueStream } from './nats-helper.js';

const HALF = 50_000;
// Schema v1 for the first half; then a field added at 60001, one retyped at 70001, one dropped at 80001.
function message(seq: number) {
  const m: Record<string, unknown> = { id: seq, amount: seq % 1000, region: seq % 2 ? 'eu' : 'us', note: `n${seq % 10}` };
  if (seq > 60_000) m.coupon = `C${seq % 3}`;
  if (seq > 70_000) m.amount = `${seq % 1000}.00`;
  if (seq > 80_000) delete m.note;
  return m;
}

describe('schema drift over 100k stream messages', () => {
  const ctx = new TestMagicContext();
  const name = uniqueStream('drift');
  let stream: Awaited<ReturnType<typeof testStream>>;
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => message(from + i));

  beforeAll(async () => {
    stream = await testStream(name);
    await stream.publishFast(range(1, HALF));
    await ctx.magic('connect', `events ${NATS} --stream ${name}`);
  }, 120_000);
  afterAll(async () => {
    await ctx.session.close();
    await stream.remove();
  });

  it('names each change since the snapshot and the message where it began', async () => {
    await ctx.magic('schema', 'snapshot events');
    await stream.publishFast(range(HALF + 1, 2 * HALF));
    const drift = (await ctx.magic('schema', 'drift events')) as SchemaDrift;
    const found = drift.changes.map((c) => [c.kind, c.column, drift.sequenceOf(c), c.breaking]);
    expect(found).toEqual(expect.arrayContaining([
      ['added', 'coupon', 60_001, expect.any(Boolean)],
      ['type', 'amount', 70_001, expect.any(Boolean)],
      ['removed', 'note', 80_001, true],
    ]));
    expect(drift.changes).toHaveLength(3);
    expect(JSON.stringify(drift.toJSON())).toContain('"sequence":70001');
  }, 120_000);

  it('the timeline over every retained message finds the same changes', async () => {
    const timeline = (await ctx.magic('schema', 'timeline events')) as StreamSchemaTimeline;
    expect(timeline.changes.map((c) => [c.sequence, c.kind, c.column, c.before ?? null, c.after ?? null])).toEqual([
      [60_001, 'added', 'coupon', null, 'VARCHAR'],
      [70_001, 'type', 'amount', 'BIGINT', 'VARCHAR'],
      [80_001, 'removed', 'note', 'VARCHAR', null],
    ]);
    expect(timeline.messages).toBe(2 * HALF);
  }, 60_000);

  it('%%sql reads all 100k messages, with the retyped field widened', async () => {
    const result = (await ctx.magic('sql', '', "SELECT count(*) AS n, count(coupon) AS coupons, count(note) AS notes, max(sequence) AS hi FROM events")) as { toArray(): Promise<unknown[]> };
    expect(await result.toArray()).toEqual([{ n: 100_000n, coupons: 40_000n, notes: 80_000n, hi: 100_000n }]);
  }, 60_000);
});
