import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveCursor } from '../../src/ingest/cursor-store.js';
import type { IngestResult } from '../../src/ingest/index.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import { TestMagicContext } from '../helpers/magic-context.js';

describe('%ingest from the embedded DuckDB', () => {
  const ctx = new TestMagicContext();
  const dir = ctx.session.projectDir;
  const sql = async (text: string) => (await (await embeddedDuckDB(ctx.session)).connection.runAndReadAll(text)).getRowObjectsJS();
  const count = async (reader: string) => Number((await sql(`SELECT count(*) AS n FROM ${reader}`))[0].n);

  beforeAll(async () => {
    await sql(`CREATE TABLE ingest_events AS SELECT i AS id, i % 3 AS region, 'e' || i AS name FROM range(1, 1001) t(i)`);
  });
  afterAll(() => ctx.session.close());

  it('overwrites a single Parquet file and replaces it atomically', async () => {
    const first = (await ctx.magic('ingest', 'ingest_events --into out/events.parquet')) as IngestResult;
    expect(first).toMatchObject({ rows: 1000, destination: 'out/events.parquet', mode: 'overwrite', files: ['events.parquet'] });
    await sql(`DELETE FROM ingest_events WHERE id > 900`);
    const second = (await ctx.magic('ingest', 'ingest_events --into out/events.parquet')) as IngestResult;
    expect(second.rows).toBe(900);
    expect(second.diff?.identical).toBe(true);
    expect(await count(`'${join(dir, 'out/events.parquet')}'`)).toBe(900);
    expect(readdirSync(join(dir, 'out'))).toEqual(['events.parquet']);
  });

  it('loads incrementally past the stored cursor into a dataset folder', async () => {
    const first = (await ctx.magic('ingest', 'ingest_events --into out/inc --mode incremental --cursor id')) as IngestResult;
    expect(first.rows).toBe(900);
    expect(first.cursor).toEqual({ column: 'id', from: undefined, to: '900' });
    await sql(`INSERT INTO ingest_events SELECT i, i % 3, 'e' || i FROM range(901, 951) t(i)`);
    const second = (await ctx.magic('ingest', 'ingest_events --into out/inc --mode incremental --cursor id')) as IngestResult;
    expect(second).toMatchObject({ rows: 50, cursor: { column: 'id', from: '900', to: '950' } });
    const none = (await ctx.magic('ingest', 'ingest_events --into out/inc --mode incremental --cursor id')) as IngestResult;
    expect(none).toMatchObject({ rows: 0, files: [] });
    expect(readdirSync(join(dir, 'out/inc')).filter((f) => f.endsWith('.parquet'))).toHaveLength(2);
    expect(await count(`read_parquet('${join(dir, 'out/inc/*.parquet')}')`)).toBe(950);
    await expect(ctx.magic('ingest', 'ingest_events --into out/inc --mode incremental --cursor name')).rejects.toThrow(/loaded incrementally by id, not name/);
  });

  it('resumes past the rows a killed load put in place before saving its cursor, never writing them twice', async () => {
    await sql(`CREATE TABLE resume_events AS SELECT i AS id FROM range(1, 101) t(i)`);
    const load = async () => (await ctx.magic('ingest', 'resume_events --into out/resume --mode incremental --cursor id')) as IngestResult;
    const first = await load();
    await sql(`INSERT INTO resume_events SELECT i FROM range(101, 151) t(i)`);
    expect((await load()).cursor).toEqual({ column: 'id', from: '100', to: '150' });
    // What a load killed between its Parquet commit and its cursor leaves: rows 101..150 written, cursor at 100.
    await saveCursor(ctx.session, { destination: first.destination, column: 'id', value: '100', type: 'BIGINT' });
    await sql(`INSERT INTO resume_events SELECT i FROM range(151, 161) t(i)`);
    expect(await load()).toMatchObject({ rows: 10, cursor: { column: 'id', from: '150', to: '160' } });
    expect(await sql(`SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS ids FROM read_parquet('${join(dir, 'out/resume/*.parquet')}')`)).toEqual([{ n: 160, ids: 160 }]);
  });

  it('starts an incremental load after a full one from the largest value already written', async () => {
    await ctx.magic('ingest', 'ingest_events --into out/full.parquet');
    await sql(`INSERT INTO ingest_events SELECT i, i % 3, 'e' || i FROM range(951, 961) t(i)`);
    const next = (await ctx.magic('ingest', 'ingest_events --into out/full.parquet --mode incremental --cursor id')) as IngestResult;
    expect(next).toMatchObject({ rows: 10, cursor: { column: 'id', from: '950', to: '960' } });
    expect(await count(`'${join(dir, 'out/full.parquet')}'`)).toBe(960);
  });

  it('writes hive partitions and appends to them', async () => {
    await ctx.magic('ingest', 'ingest_events --into out/parts --partition-by region');
    expect(readdirSync(join(dir, 'out/parts')).sort()).toEqual(['region=0', 'region=1', 'region=2']);
    await ctx.magic('ingest', 'ingest_events --into out/parts --partition-by region --mode append');
    expect(await count(`read_parquet('${join(dir, 'out/parts/**/*.parquet')}', hive_partitioning = true)`)).toBe(1920);
    await expect(ctx.magic('ingest', 'ingest_events --into out/parts --mode append')).rejects.toThrow(/partitioned by \(region\)/);
  });

  it('stops a breaking change before writing, unless allowed', async () => {
    await sql(`CREATE TABLE ingest_v2 AS SELECT id::SMALLINT AS id, name FROM ingest_events`);
    await expect(ctx.magic('ingest', 'ingest_v2 --into out/events.parquet')).rejects.toThrow(/Ingest stopped: .*region \(removed/);
    expect(ctx.output.text()).toMatch(/BREAKING/);
    expect(await count(`'${join(dir, 'out/events.parquet')}'`)).toBe(900);
    const forced = (await ctx.magic('ingest', 'ingest_v2 --into out/events.parquet --allow-breaking')) as IngestResult;
    expect(forced.diff?.breaking).toBe(true);
    expect(existsSync(join(dir, 'out/events.parquet'))).toBe(true);
  });

  it('explains bad arguments', async () => {
    await expect(ctx.magic('ingest', 'ingest_events')).rejects.toThrow(/needs --into/);
    await expect(ctx.magic('ingest', 'ingest_events --into x.parquet --mode incremental')).rejects.toThrow(/need a cursor column/);
    await expect(ctx.magic('ingest', 'ingest_events --into x.csv --format csv')).rejects.toThrow(/writes Parquet/);
  });
});
