import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineFeatures, trainingSet } from '../../src/features/index.js';
import type { QueryResult } from '../../src/sql/result.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import { TestMagicContext } from '../helpers/magic-context.js';

type Event = { user_id: number; ts: number; clicks: number | null };
type Label = { user_id: number; ts: number; churned: boolean };

/** The reference: for each label, the latest event of its user at or before its time, null past the TTL. */
function asOf(events: Event[], labels: Label[], ttlMs: number | null): (number | null)[] {
  return labels.map((label) => {
    let best: Event | undefined;
    for (const e of events) if (e.user_id === label.user_id && e.ts <= label.ts && (!best || e.ts > best.ts)) best = e;
    if (!best || (ttlMs !== null && best.ts < label.ts - ttlMs)) return null;
    return best.clicks;
  });
}

describe('point-in-time training sets', () => {
  const ctx = new TestMagicContext();
  const session = ctx.session;
  const read = async (sql: string) => (await (await embeddedDuckDB(session)).connection.runAndReadAll(sql)).getRowObjectsJS();
  let events: Event[];
  let spend: { user_id: number; ts: number; clicks: number | null }[];
  let labels: Label[];

  beforeAll(async () => {
    const { connection } = await embeddedDuckDB(session);
    // Events in random order, every fourth one arriving late: appended after the others with an earlier time.
    await connection.run(`SELECT setseed(0.42);
      CREATE TABLE pit_events AS SELECT user_id, ts, clicks FROM (
        SELECT (i % 40)::INTEGER AS user_id, TIMESTAMP '2024-01-01' + INTERVAL (i * 37 % 100000) SECOND AS ts,
               CASE WHEN i % 13 = 0 THEN NULL ELSE i END AS clicks, i % 4 = 0 AS late, random() AS r FROM range(1500) t(i)
      ) ORDER BY late, r;
      CREATE TABLE pit_spend AS SELECT (i % 40)::INTEGER AS user_id, TIMESTAMP '2024-01-01' + INTERVAL (i * 53 % 100000) SECOND AS ts, i * 2 AS spent FROM range(900) t(i) ORDER BY random();
      CREATE TABLE pit_labels AS
        SELECT (i % 45)::INTEGER AS user_id, TIMESTAMP '2024-01-01' + INTERVAL (i * 211 % 101000) SECOND + INTERVAL 500 MILLISECOND AS ts, i % 3 = 0 AS churned FROM range(400) t(i)
        UNION ALL SELECT user_id, ts, false FROM pit_events WHERE clicks % 50 = 1`);
    const ms = (rows: Record<string, unknown>[]) => rows.map((r) => ({ ...r, ts: (r.ts as Date).getTime() }));
    events = ms(await read('SELECT * FROM pit_events')) as Event[];
    spend = ms(await read('SELECT user_id, ts, spent AS clicks FROM pit_spend')) as Event[];
    labels = ms(await read('SELECT * FROM pit_labels')) as Label[];
    await defineFeatures({ name: 'pit_clicks', entity: 'user_id', source: 'pit_events', features: ['clicks'], timestamp: 'ts', ttl: '2h' }, { session });
    await defineFeatures({ name: 'pit_spend', entity: 'user_id', source: 'SELECT * FROM pit_spend', features: ['spent'], timestamp: 'ts' }, { session });
  });
  afterAll(() => session.close());

  it('joins each label to the values as of its time, as a brute-force scan does, never later ones', async () => {
    const result = await trainingSet({ session, entities: 'pit_labels', features: ['pit_clicks', 'pit_spend'] });
    const rows: Record<string, unknown>[] = (await result.toArray()).map((r) => ({ ...r, ts: (r.ts as Date).getTime() }));
    expect(rows.length).toBe(labels.length);
    expect(rows.map((r) => [r.user_id, r.ts, r.churned])).toEqual(labels.map((l) => [l.user_id, l.ts, l.churned]));
    expect(rows.map((r) => r.clicks)).toEqual(asOf(events, labels, 2 * 3600_000));
    expect(rows.map((r) => r.spent)).toEqual(asOf(spend, labels, null));
    // The data exercises what matters: labels at exactly an event's time, values past the TTL, unknown users.
    expect(labels.filter((l) => events.some((e) => e.ts === l.ts && e.user_id === l.user_id)).length).toBeGreaterThan(10);
    expect(asOf(events, labels, null).filter((v, i) => v !== null && asOf(events, labels, 2 * 3600_000)[i] === null).length).toBeGreaterThan(10);
    expect(rows.filter((r) => (r.user_id as number) >= 40).every((r) => r.clicks === null && r.spent === null)).toBe(true);
  });

  it('%features training-set stores the result, and %train trains on it', async () => {
    await ctx.magic('features', 'training-set --entities pit_labels --features pit_clicks,pit_spend:spent -o train');
    const train = ctx.getVariable('train') as QueryResult;
    expect((await train.toArray()).length).toBe(labels.length);
    await ctx.magic('train', 'pit_churn --data train --target churned --features clicks,spent');
    expect(JSON.parse(readFileSync(join(session.stateDir, 'models', 'pit_churn', '1', 'meta.json'), 'utf8'))).toMatchObject({ rows: labels.length });
  });

  it('names a missing event-time or entity column', async () => {
    await expect(trainingSet({ session, entities: 'SELECT user_id, churned FROM pit_labels', features: ['pit_clicks'] })).rejects.toThrow(/no event-time column timestamp/);
    await expect(trainingSet({ session, entities: 'SELECT user_id AS uid, ts FROM pit_labels', features: ['pit_clicks'] })).rejects.toThrow(/no column user_id, the entity key of feature view pit_clicks/);
    await expect(trainingSet({ session, entities: 'pit_labels', features: ['pit_clicks:nope'] })).rejects.toThrow(/has no feature nope/);
  });
});
