import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropCapture, readPosition } from '../../src/cdc/index.js';
import { connect, type Connector } from '../../src/connectors/index.js';
import { format } from '../../src/display/format.js';
import type { IngestResult } from '../../src/ingest/index.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import { TestMagicContext } from '../helpers/magic-context.js';

const PG = 'postgres://postgres@127.0.0.1:5432/test';

describe('%ingest --mode cdc from Postgres', () => {
  const ctx = new TestMagicContext();
  const dir = ctx.session.projectDir;
  let pg: Connector;
  const rows = async (sql: string) => (await (await embeddedDuckDB(ctx.session)).connection.runAndReadAll(sql)).getRowObjectsJS();
  const current = (into: string) => `'${join(dir, into, 'current.parquet')}'`;
  const changes = (into: string) => `read_parquet('${join(dir, into, 'changes', '*.parquet')}', union_by_name = true)`;

  /** Rows that differ between the Postgres table and the current state, both ways (0 when equal row for row). */
  async function differences(table: string, into: string): Promise<number> {
    const source = await pg.query(`SELECT * FROM public.${table}`);
    const state = `(SELECT * EXCLUDE (_lsn, _commit_time) FROM ${current(into)})`;
    const [row] = await rows(`SELECT count(*) AS n FROM ((SELECT * FROM ${source.relation} EXCEPT ALL SELECT * FROM ${state})
      UNION ALL (SELECT * FROM ${state} EXCEPT ALL SELECT * FROM ${source.relation}))`);
    source.drop();
    return Number(row.n);
  }

  beforeAll(async () => {
    pg = await connect(ctx.session, 'cdcpg', PG);
    await pg.query('DROP TABLE IF EXISTS public.cdc_orders');
    await pg.query('CREATE TABLE public.cdc_orders (id int PRIMARY KEY, customer text NOT NULL, amount numeric(10,2), note text, tags int[], placed timestamptz)');
    await pg.query(`INSERT INTO public.cdc_orders SELECT i, 'c' || (i % 37), i * 1.25, CASE WHEN i % 5 = 0 THEN NULL ELSE 'note ' || i END, ARRAY[i, i % 7],
      timestamptz '2024-01-01' + i * interval '1 minute' FROM generate_series(1, 2000) i`);
  });
  afterAll(async () => {
    await dropCapture(ctx.session, 'cdcpg.public.cdc_orders', { into: 'lake/orders' }).catch(() => undefined);
    await dropCapture(ctx.session, 'cdcpg.public.cdc_toast', { into: 'lake/toast' }).catch(() => undefined);
    await pg.query('DROP TABLE IF EXISTS public.cdc_orders');
    await pg.query('DROP TABLE IF EXISTS public.cdc_toast');
    await dropCapture(ctx.session, 'cdcpg.public.cdc_bounded', { into: 'lake/bounded' }).catch(() => undefined);
    await pg.query('DROP TABLE IF EXISTS public.cdc_bounded');
    await ctx.session.close();
  });

  it('snapshots the table, then applies inserts, updates and deletes; the current state equals the table', async () => {
    const first = (await ctx.magic('ingest', 'cdcpg.public.cdc_orders --into lake/orders --mode cdc')) as IngestResult;
    expect(first).toMatchObject({ mode: 'cdc', rows: 2000, changes: { snapshot: 2000, insert: 0, update: 0, delete: 0 } });
    expect(await differences('cdc_orders', 'lake/orders')).toBe(0);
    const position = await readPosition(ctx.session, 'lake/orders');
    expect(position?.committed).toBeDefined();
    expect(first.changes?.to).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);

    await pg.query(`INSERT INTO public.cdc_orders SELECT i, 'new', i, 'inserted', '{}', now() FROM generate_series(2001, 2100) i`);
    await pg.query(`UPDATE public.cdc_orders SET amount = amount * 2, note = NULL WHERE id % 10 = 3`);
    await pg.query(`DELETE FROM public.cdc_orders WHERE id BETWEEN 500 AND 549`);
    // One transaction that inserts, updates and deletes the same keys: only the last version may remain.
    await pg.query(`BEGIN; INSERT INTO public.cdc_orders VALUES (5000, 'tx', 1, 'a', '{1}', now()), (5001, 'tx', 2, 'b', NULL, now());
      UPDATE public.cdc_orders SET note = 'changed twice' WHERE id = 5000; UPDATE public.cdc_orders SET note = 'changed thrice' WHERE id = 5000;
      DELETE FROM public.cdc_orders WHERE id = 5001; COMMIT`);
    const second = (await ctx.magic('ingest', 'cdcpg.public.cdc_orders --into lake/orders --mode cdc')) as IngestResult;
    expect(second.changes).toMatchObject({ snapshot: 0, insert: 102, update: 212, delete: 51, from: first.changes?.to });
    expect(await differences('cdc_orders', 'lake/orders')).toBe(0);
    const ops = await rows(`SELECT _op, count(*)::INTEGER AS n FROM ${changes('lake/orders')} GROUP BY ALL ORDER BY _op`);
    expect(ops).toEqual([{ _op: 'delete', n: 51 }, { _op: 'insert', n: 102 }, { _op: 'snapshot', n: 2000 }, { _op: 'update', n: 212 }]);
    const [order] = await rows(`SELECT count(DISTINCT _commit_time)::INTEGER AS times, count(*) = count(DISTINCT (_lsn, _seq)) AS unique FROM ${changes('lake/orders')} WHERE _op <> 'snapshot'`);
    expect(order).toEqual({ times: 4, unique: true });

    const idle = (await ctx.magic('ingest', 'cdcpg.public.cdc_orders --into lake/orders --mode cdc')) as IngestResult;
    expect(idle.rows).toBe(0);
    expect(idle.files).toEqual([]);
    const shown = String((await format(second))['text/plain']);
    expect(shown).toMatch(/0 snapshot rows, 102 inserts, 212 updates, 51 deletes/);
    expect(shown).toContain(`${first.changes?.to} -> ${second.changes?.to}`);
  }, 120_000);

  it('passes DDL between runs through the schema gate: added and widened columns go in, a dropped one stops the load', async () => {
    await pg.query('ALTER TABLE public.cdc_orders ADD COLUMN priority smallint, ALTER COLUMN amount TYPE numeric(14,2)');
    await pg.query('UPDATE public.cdc_orders SET priority = id % 3 WHERE id <= 20');
    const widened = (await ctx.magic('ingest', 'cdcpg.public.cdc_orders --into lake/orders --mode cdc')) as IngestResult;
    expect(widened.changes?.update).toBe(20);
    expect(widened.diff?.breaking).toBe(false);
    expect(widened.diff?.changes.map((c) => `${c.kind} ${c.column}`).sort()).toEqual(['added priority', 'type amount']);
    expect(await differences('cdc_orders', 'lake/orders')).toBe(0);

    await pg.query(`INSERT INTO public.cdc_orders (id, customer, amount) VALUES (6000, 'before drop', 1)`);
    await pg.query('ALTER TABLE public.cdc_orders DROP COLUMN note');
    await pg.query(`INSERT INTO public.cdc_orders (id, customer, amount) VALUES (6001, 'after drop', 1)`);
    const before = await readPosition(ctx.session, 'lake/orders');
    await expect(ctx.magic('ingest', 'cdcpg.public.cdc_orders --into lake/orders --mode cdc')).rejects.toThrow(/Ingest stopped: .*note \(removed/);
    // The change before the DDL is in; the one after is not, and is read again by the next run.
    const [kept] = await rows(`SELECT count(*) FILTER (id = 6000)::INTEGER AS before, count(*) FILTER (id = 6001)::INTEGER AS after FROM ${current('lake/orders')}`);
    expect(kept).toEqual({ before: 1, after: 0 });
    const blocked = await readPosition(ctx.session, 'lake/orders');
    expect(blocked!.committed! > before!.committed!).toBe(true);
    await expect(ctx.magic('ingest', 'cdcpg.public.cdc_orders --into lake/orders --mode cdc')).rejects.toThrow(/note \(removed/);

    const forced = (await ctx.magic('ingest', 'cdcpg.public.cdc_orders --into lake/orders --mode cdc --allow-breaking')) as IngestResult;
    expect(forced.changes?.insert).toBe(1);
    expect(await differences('cdc_orders', 'lake/orders')).toBe(0);
    const columns = (await rows(`DESCRIBE SELECT * FROM ${current('lake/orders')}`)).map((r) => r.column_name);
    expect(columns).toEqual(['id', 'customer', 'amount', 'tags', 'placed', 'priority', '_lsn', '_commit_time']);
  }, 120_000);

  it('keeps TOASTed values an update leaves out, and empties the state on TRUNCATE', async () => {
    await pg.query('DROP TABLE IF EXISTS public.cdc_toast');
    await pg.query('CREATE TABLE public.cdc_toast (id int PRIMARY KEY, n int, big text)');
    // Random hex of 12 kB does not compress under 2 kB, so Postgres stores it out of line (TOAST).
    await pg.query(`INSERT INTO public.cdc_toast SELECT i, 0, (SELECT string_agg(md5(random()::text || i || g), '') FROM generate_series(1, 400) g) FROM generate_series(1, 30) i`);
    await ctx.magic('ingest', 'cdcpg.public.cdc_toast --into lake/toast --mode cdc');
    await pg.query('UPDATE public.cdc_toast SET n = n + 1 WHERE id <= 20');
    await pg.query(`UPDATE public.cdc_toast SET big = 'small now' WHERE id = 1`);
    await pg.query('UPDATE public.cdc_toast SET n = n + 1 WHERE id <= 10');
    const updated = (await ctx.magic('ingest', 'cdcpg.public.cdc_toast --into lake/toast --mode cdc')) as IngestResult;
    expect(updated.changes?.update).toBe(31);
    const [left] = await rows(`SELECT count(*)::INTEGER AS n FROM ${changes('lake/toast')} WHERE list_contains(_unchanged, 'big')`);
    expect(left.n).toBeGreaterThanOrEqual(29);
    expect(await differences('cdc_toast', 'lake/toast')).toBe(0);

    await pg.query('UPDATE public.cdc_toast SET n = 100 WHERE id = 2');
    await pg.query('TRUNCATE public.cdc_toast');
    await pg.query(`INSERT INTO public.cdc_toast VALUES (7, 1, 'after truncate'), (99, 2, NULL)`);
    const truncated = (await ctx.magic('ingest', 'cdcpg.public.cdc_toast --into lake/toast --mode cdc')) as IngestResult;
    expect(truncated.changes).toMatchObject({ update: 1, truncate: 1, insert: 2 });
    expect(await differences('cdc_toast', 'lake/toast')).toBe(0);
    expect(await rows(`SELECT id, big FROM ${current('lake/toast')} ORDER BY id`)).toEqual([{ id: 7, big: 'after truncate' }, { id: 99, big: null }]);
  }, 120_000);

  it('bounds a run by --max-changes at a transaction end, and follows new commits with --until-idle', async () => {
    await pg.query('DROP TABLE IF EXISTS public.cdc_bounded');
    await pg.query('CREATE TABLE public.cdc_bounded (id int PRIMARY KEY)');
    await ctx.magic('ingest', 'cdcpg.public.cdc_bounded --into lake/bounded --mode cdc');
    await pg.query(Array.from({ length: 5 }, (_, t) => `BEGIN; INSERT INTO public.cdc_bounded SELECT generate_series(${t * 100 + 1}, ${t * 100 + 100}); COMMIT`).join(';\n'));
    const limited = (await ctx.magic('ingest', 'cdcpg.public.cdc_bounded --into lake/bounded --mode cdc --max-changes 150')) as IngestResult;
    expect(limited.changes?.insert).toBe(200);
    const rest = (await ctx.magic('ingest', 'cdcpg.public.cdc_bounded --into lake/bounded --mode cdc')) as IngestResult;
    expect(rest.changes?.insert).toBe(300);

    const started = Date.now();
    const following = ctx.magic('ingest', 'cdcpg.public.cdc_bounded --into lake/bounded --mode cdc --until-idle 2');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await pg.query('INSERT INTO public.cdc_bounded VALUES (1000), (1001)');
    const followed = (await following) as IngestResult;
    expect(followed.changes?.insert).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(await differences('cdc_bounded', 'lake/bounded')).toBe(0);
    await expect(ctx.magic('ingest', 'cdcpg.public.cdc_bounded --into lake/bounded --mode cdc --max-changes none')).rejects.toThrow(/--max-changes needs a positive number/);
  }, 120_000);
});
