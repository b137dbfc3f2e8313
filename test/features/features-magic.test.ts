import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { format } from '../../src/display/format.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import { TestMagicContext } from '../helpers/magic-context.js';

const prefix = `dktest:fvmagic:${process.pid}:${Date.now()}:`;
const text = async (value: unknown) => (await format(value))['text/plain'] as string;

describe('%features', () => {
  const ctx = new TestMagicContext();
  const redis = new Redis('redis://127.0.0.1:6379');

  beforeAll(async () => {
    const { connection } = await embeddedDuckDB(ctx.session);
    await connection.run(`CREATE TABLE fm_stats AS SELECT * FROM (VALUES ('u1', now()::TIMESTAMP - INTERVAL 1 MINUTE, 3, 'gold'), ('u1', now()::TIMESTAMP - INTERVAL 1 HOUR, 1, 'tin'), ('u2', now()::TIMESTAMP, 8, NULL)) t(user, ts, visits, tier)`);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.unlink(...keys);
    redis.disconnect();
    await ctx.session.close();
  });

  it('defines, lists, materializes and reads a view', async () => {
    const defined = await ctx.magic('features', `define stats --source fm_stats --entity user --timestamp ts --features visits,tier --ttl 7d --prefix ${prefix} --defaults '{"visits": 0}'`);
    expect(await text(defined)).toMatch(/stats .*user .*fm_stats .*visits, tier .*ts .*7d/);
    expect(await text(await ctx.magic('features', 'list'))).toMatch(/1 feature view/);
    const materialized = (await ctx.magic('features', 'materialize stats')) as { result: { entities: number; mode: string } };
    expect(materialized.result).toMatchObject({ entities: 2, mode: 'full' });
    expect(ctx.output.outputs.some((o) => o.options?.metadata?.progress && /materialize stats/.test(String(o.data?.['text/plain'])))).toBe(true);
    const got = (await ctx.magic('features', 'get stats u1 u2 nobody')) as { rows: Record<string, unknown>[] };
    expect(got.rows).toEqual([
      { user: 'u1', visits: 3, tier: 'gold', found: true },
      { user: 'u2', visits: 8, tier: null, found: true },
      { user: 'nobody', visits: 0, tier: null, found: false },
    ]);
  });

  it('explains bad calls', async () => {
    expect(await ctx.magic('features', '--help')).toBeDefined();
    await expect(ctx.magic('features', 'frobnicate')).rejects.toThrow(/unknown subcommand 'frobnicate'/);
    await expect(ctx.magic('features', 'define x --entity user --timestamp ts --features visits')).rejects.toThrow(/needs --source/);
    await expect(ctx.magic('features', 'materialize nope')).rejects.toThrow(/No feature view named nope/);
    await expect(ctx.magic('features', "define y --source fm_stats --entity user --timestamp ts --features visits --defaults '{oops'")).rejects.toThrow(/--defaults is not JSON/);
  });
});
