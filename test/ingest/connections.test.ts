import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Connector } from '../../src/connectors/index.js';
import type { IngestResult } from '../../src/ingest/index.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import { TestMagicContext } from '../helpers/magic-context.js';

const PG = 'postgres://postgres@127.0.0.1:5432/test';
const ROWS = 1_000_000;
const src = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url));

describe('%ingest from Postgres', () => {
  const ctx = new TestMagicContext();
  const dir = ctx.session.projectDir;
  let pg: Connector;
  const count = async (reader: string) => Number((await (await embeddedDuckDB(ctx.session)).connection.runAndReadAll(`SELECT count(*) FROM ${reader}`)).getRows()[0][0]);

  beforeAll(async () => {
    pg = await connect(ctx.session, 'ingestpg', PG);
    await pg.query('DROP TABLE IF EXISTS public.ingest_big');
    await pg.query(`CREATE TABLE public.ingest_big AS
      SELECT i::bigint AS id, timestamptz '2024-01-01' + i * interval '1 second' AS at, (i % 1000)::numeric(12,2) AS amount, 'label ' || i AS label
      FROM generate_series(1, ${ROWS}) AS s(i)`);
    await pg.query('ALTER TABLE public.ingest_big ADD PRIMARY KEY (id)');
  });
  afterAll(async () => {
    await pg.query('DROP TABLE IF EXISTS public.ingest_big');
    await ctx.session.close();
  });

  it('loads 1M rows, then only the new ones past the cursor', async () => {
    const first = (await ctx.magic('ingest', 'ingestpg.public.ingest_big --into lake/big --mode incremental --cursor id')) as IngestResult;
    expect(first.rows).toBe(ROWS);
    expect(first.cursor).toEqual({ column: 'id', from: undefined, to: String(ROWS) });
    expect(ctx.output.outputs.some((o) => o.options?.metadata?.progress)).toBe(true);
    await pg.query(`INSERT INTO public.ingest_big SELECT i, timestamptz '2025-01-01', 1.5, 'new ' || i FROM generate_series(${ROWS + 1}, ${ROWS + 500}) AS s(i)`);
    const second = (await ctx.magic('ingest', 'ingestpg.public.ingest_big --into lake/big --mode incremental --cursor id')) as IngestResult;
    expect(second).toMatchObject({ rows: 500, cursor: { column: 'id', from: String(ROWS), to: String(ROWS + 500) } });
    expect(second.diff?.identical).toBe(true);
    expect(await count(`read_parquet('${join(dir, 'lake/big/*.parquet')}')`)).toBe(ROWS + 500);
  }, 300_000);

  it('stops when the table narrows a column, and leaves the Parquet as it was', async () => {
    await pg.query('CREATE TABLE public.ingest_narrow AS SELECT id::integer AS id, at, amount, label FROM public.ingest_big WHERE id <= 10');
    try {
      await ctx.magic('ingest', 'ingestpg.public.ingest_narrow --into lake/small.parquet');
      await pg.query('ALTER TABLE public.ingest_narrow ALTER COLUMN amount TYPE numeric(6,2), DROP COLUMN label');
      await expect(ctx.magic('ingest', 'ingestpg.public.ingest_narrow --into lake/small.parquet')).rejects.toThrow(/Ingest stopped: .*amount \(type.*label \(removed/);
      expect(await count(`'${join(dir, 'lake/small.parquet')}' WHERE label IS NOT NULL`)).toBe(10);
    } finally {
      await pg.query('DROP TABLE IF EXISTS public.ingest_narrow');
    }
  });

  it('leaves the old Parquet intact when the load is killed half way', async () => {
    const first = (await ctx.magic('ingest', 'ingestpg --into lake/kill.parquet --query "SELECT * FROM public.ingest_big WHERE id <= 1000"')) as IngestResult;
    expect(first.rows).toBe(1000);
    const script = join(dir, 'kill-me.mts');
    writeFileSync(
      script,
      [
        `import { Session } from ${JSON.stringify(src('session/session.ts'))};`,
        `import { connect } from ${JSON.stringify(src('connectors/registry.ts'))};`,
        `import { setFallbackOutput } from ${JSON.stringify(src('display/output.ts'))};`,
        `import { ingest } from ${JSON.stringify(src('ingest/index.ts'))};`,
        `setFallbackOutput({ stream() {}, clearOutput() {}, input: async () => '', display: (data) => console.log(String(data['text/plain'])) });`,
        `const session = new Session(${JSON.stringify(dir)});`,
        `await connect(session, 'ingestpg', ${JSON.stringify(PG)});`,
        `await ingest(session, 'ingestpg.public.ingest_big', { into: 'lake/kill.parquet' });`,
        `console.log('FINISHED');`,
      ].join('\n'),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    const killedAt = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const loaded = [...output.matchAll(/DuckDB.* ([\d,]+)\/[\d,]+ rows/g)].map((m) => Number(m[1].replace(/,/g, '')));
        if (loaded.some((n) => n >= 200_000)) {
          child.kill('SIGKILL');
          resolve(Math.max(...loaded));
        }
      });
      child.on('exit', () => reject(new Error(`load ended before it was killed:\n${output}`)));
    });
    await new Promise((resolve) => (child.exitCode === null && child.signalCode === null ? child.on('exit', resolve) : resolve(undefined)));
    expect(killedAt).toBeLessThan(ROWS);
    expect(output).not.toContain('FINISHED');
    expect(await count(`'${join(dir, 'lake/kill.parquet')}'`)).toBe(1000);
    // A writer that died leaves temporary files; the next load clears those of dead processes.
    writeFileSync(join(dir, 'lake', `.kill.parquet.dk-tmp-999999-deadbeef`), 'partial');
    await ctx.magic('ingest', 'ingestpg --query "SELECT * FROM public.ingest_big WHERE id <= 10" --into lake/kill.parquet --allow-breaking');
    expect(readdirSync(join(dir, 'lake')).filter((f) => f.startsWith('.kill'))).toEqual([]);
    expect(existsSync(join(dir, 'lake/kill.parquet'))).toBe(true);
  }, 300_000);
});

describe('%ingest from MariaDB', () => {
  const ctx = new TestMagicContext();
  let my: Connector;
  beforeAll(async () => {
    my = await connect(ctx.session, 'ingestmy', 'mysql://root@127.0.0.1:3306/test');
    await my.query('DROP TABLE IF EXISTS ingest_orders');
    await my.query('CREATE TABLE ingest_orders (id int PRIMARY KEY, placed datetime(6) NOT NULL, total decimal(10,2))');
    await my.query("INSERT INTO ingest_orders SELECT seq, '2024-01-01' + INTERVAL seq MINUTE, seq / 10 FROM seq_1_to_5000");
  });
  afterAll(async () => {
    await my.query('DROP TABLE IF EXISTS ingest_orders');
    await ctx.session.close();
  });

  it('loads incrementally by a timestamp cursor, pushing the filter to the source', async () => {
    const first = (await ctx.magic('ingest', 'ingestmy.ingest_orders --into orders.parquet --mode incremental --cursor placed')) as IngestResult;
    expect(first.rows).toBe(5000);
    expect(first.cursor?.to).toBe('2024-01-04 11:20:00');
    await my.query("INSERT INTO ingest_orders VALUES (5001, '2024-02-01 00:00:00.5', 1.00), (5002, '2024-02-02', 2.00)");
    const second = (await ctx.magic('ingest', 'ingestmy.ingest_orders --into orders.parquet --mode incremental --cursor placed')) as IngestResult;
    expect(second).toMatchObject({ rows: 2, cursor: { from: '2024-01-04 11:20:00', to: '2024-02-02 00:00:00' } });
    const { connection } = await embeddedDuckDB(ctx.session);
    const total = (await connection.runAndReadAll(`SELECT count(*), count(DISTINCT id) FROM '${join(ctx.session.projectDir, 'orders.parquet')}'`)).getRows()[0];
    expect(total.map(Number)).toEqual([5002, 5002]);
  });
});
