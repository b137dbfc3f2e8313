import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WatchReport } from '../../src/streams/index.js';
import { TestMagicContext } from '../helpers/magic-context.js';
import { NATS, testStream, uniqueStream } from './nats-helper.js';

describe('%watch follows a stream live', () => {
  const ctx = new TestMagicContext();
  const name = uniqueStream('watch');
  let stream: Awaited<ReturnType<typeof testStream>>;

  beforeAll(async () => {
    stream = await testStream(name);
    await stream.publish([{ id: 0, amount: 1 }]);
    await ctx.magic('connect', `events ${NATS} --stream ${name}`);
  });
  afterAll(async () => {
    await ctx.session.close();
    await stream.remove();
  });

  it('shows rate, schema and each change as it appears, counts malformed messages, and stops on --max-messages', async () => {
    const watching = ctx.magic('watch', 'events --max-messages 600 --until-idle 20') as Promise<WatchReport>;
    // Published once the watch shows itself: it follows from after the newest message (sequence 1).
    while (!ctx.output.outputs.some((o) => o.options?.displayId?.startsWith('watch-'))) await new Promise((r) => setTimeout(r, 20));
    await stream.publish(Array.from({ length: 300 }, (_, i) => ({ id: i + 1, amount: i })));
    // Malformed: not JSON, and an object with a key given twice (which the JSON reader refuses).
    await stream.publish(['{oops', '{"id": 7, "id": 8}', ...Array.from({ length: 298 }, (_, i) => ({ id: 302 + i, amount: `${i}.5`, coupon: 'X' }))]);
    const report = await watching;
    expect(report.messages).toBe(600);
    expect(report.stoppedBy).toBe('max 600 messages');
    expect(report.lastSequence).toBe(601);
    expect(report.malformed).toEqual({ count: 2, sample: [{ sequence: 302, subject: stream.subject, payload: '{oops' }, { sequence: 303, subject: stream.subject, payload: '{"id": 7, "id": 8}' }] });
    expect(report.changes.map((c) => [c.sequence, c.kind, c.column, c.breaking])).toEqual([
      [304, 'type', 'amount', false], // any value fits VARCHAR: compatible, as %schema diff says
      [304, 'added', 'coupon', false],
    ]);
    expect(report.fields.map((f) => `${f.name} ${f.type}`)).toEqual(['id BIGINT', 'amount JSON', 'coupon VARCHAR']);
    const live = ctx.output.outputs.filter((o) => o.options?.displayId?.startsWith('watch-'));
    expect(live.length).toBeGreaterThan(1);
    expect(live.slice(1).every((o) => o.options?.update)).toBe(true);
    expect(String(live.at(-1)?.data?.['text/plain'])).toMatch(/watched \(max 600 messages\): 600 messages/);
    expect(String(report.bundle()['text/plain'])).toContain('type at 304: compatible');
  }, 60_000);

  it('stops after --until-idle seconds without a message', async () => {
    const started = Date.now();
    const report = (await ctx.magic('watch', 'events --until-idle 1')) as WatchReport;
    expect(report).toMatchObject({ messages: 0, stoppedBy: 'idle 1 s' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses a connection that is not a stream', async () => {
    await expect(ctx.magic('watch', 'nosuch')).rejects.toThrow(/Unknown connection: nosuch/);
  });
});
