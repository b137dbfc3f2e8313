import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictInParallel, type ParallelPrediction } from '../../src/runtimes/batch-predict.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import type { QueryResult } from '../../src/sql/result.js';
import { TestMagicContext } from '../helpers/magic-context.js';

const ROWS = 1_000_000;
const ctx = new TestMagicContext();
const dir = ctx.session.projectDir;
let reference: { rows: number; checksum: bigint };

const columns = "random() * 10 AS a, random() AS b, random() * 100 AS c, (random() * 1000)::INT AS d, CASE WHEN random() < 0.5 THEN 'x' WHEN random() < 0.5 THEN 'y' ELSE 'z' END AS kind";

/** Rows, distinct ids, and an order-free checksum of every input and prediction value of a scored relation. */
async function summary(relation: string) {
  const { connection } = await embeddedDuckDB(ctx.session);
  const [rows, ids, checksum] = (
    await connection.runAndReadAll(`SELECT count(*), count(DISTINCT id), sum(hash(id, a, b, c, d, kind, prediction, probability_1)::HUGEINT) FROM ${relation}`)
  ).getRows()[0];
  return { rows: Number(rows), ids: Number(ids), checksum: BigInt(String(checksum)) };
}

beforeAll(async () => {
  const { connection } = await embeddedDuckDB(ctx.session);
  mkdirSync(join(dir, 'data', 'big'), { recursive: true });
  await connection.run(`CREATE TABLE small AS SELECT *, (a + b * c > 40)::INT AS label FROM (SELECT ${columns} FROM range(3000))`);
  // Two files of 64k-row row groups, the second smaller (parts follow files and row groups), and a small file.
  for (const [file, from, to, group] of [['big/one', 0, 600_000, 65536], ['big/two', 600_000, ROWS, 65536], ['small', 0, 30_000, 8192]] as const) {
    await connection.run(`COPY (SELECT range AS id, ${columns} FROM range(${from}, ${to})) TO '${join(dir, 'data', `${file}.parquet`)}' (FORMAT parquet, ROW_GROUP_SIZE ${group})`);
  }
  await ctx.magic('train', 'scorer --data small --target label --features a,b,c,d,kind --model mlp --epochs 3 --hidden 16');
  const inProcess = (await ctx.magic('predict', `scorer --data ${join(dir, 'data', 'big', '*.parquet')}`)) as QueryResult;
  reference = await summary(inProcess.relation);
}, 120_000);
afterAll(() => ctx.session.close());

describe('%predict --workers N --into DIR', () => {
  it('scores Parquet in 2 workers, one killed with SIGKILL mid-part, and writes every row exactly once', async () => {
    let killed: number | undefined;
    const result = await predictInParallel({
      session: ctx.session,
      model: 'scorer',
      data: 'data/big/*.parquet',
      into: 'data/scored',
      workers: 2,
      cwd: dir,
      onPart: ({ pid, part }) => {
        if (killed === undefined && part.index === 2) {
          killed = pid;
          setTimeout(() => process.kill(pid, 'SIGKILL'), 40);
        }
      },
    });
    expect(killed).toBeDefined();
    expect(result.retried).toBe(1);
    expect(result.workers.find((w) => w.pid === killed)!.status).toBe('exited during part 2');
    expect(result.workers.length).toBe(3);
    expect(result.rows).toBe(ROWS);
    expect(reference.rows).toBe(ROWS);
    const written = await summary(`read_parquet('${join(dir, 'data', 'scored', '*.parquet')}')`);
    expect(written).toEqual({ rows: ROWS, ids: ROWS, checksum: reference.checksum });
    expect(readdirSync(join(dir, 'data', 'scored')).filter((f) => !/^part-\d{5}\.parquet$/.test(f))).toEqual(['_manifest.json']);
    expect(readdirSync(join(dir, 'data')).filter((f) => f.startsWith('.'))).toEqual([]);
  }, 120_000);

  it('runs from the magic, and keeps the previous output when a run fails', async () => {
    const shown = (await ctx.magic('predict', "scorer --data 'data/small.parquet' --workers 2 --into data/scored-small")) as ParallelPrediction;
    expect(shown.rows).toBe(30_000);
    const bundle = (shown as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for('Jupyter.display')]();
    expect(bundle['text/plain']).toMatch(/30,000 rows in 4 parts/);
    expect(bundle['text/plain']).toMatch(/rows\/s/);
    expect(ctx.output.text()).toMatch(/Scoring with scorer@1 in 2 workers .*100%/);

    const before = await summary(`read_parquet('${join(dir, 'data', 'scored', '*.parquet')}')`);
    await expect(
      predictInParallel({
        session: ctx.session,
        model: 'scorer',
        data: 'data/big/*.parquet',
        into: 'data/scored',
        workers: 1,
        retries: 0,
        cwd: dir,
        onPart: ({ pid }) => process.kill(pid, 'SIGKILL'),
      }),
    ).rejects.toThrow(/Part 0 of .*one\.parquet failed 1 times/);
    expect(await summary(`read_parquet('${join(dir, 'data', 'scored', '*.parquet')}')`)).toEqual(before);
    expect(readdirSync(join(dir, 'data')).filter((f) => f.startsWith('.'))).toEqual([]);
  }, 120_000);

  it('names what is wrong with the input or the flags', async () => {
    await expect(ctx.magic('predict', 'scorer --data small --workers 2')).rejects.toThrow(/--workers needs --into DIR/);
    await expect(ctx.magic('predict', 'scorer --data data/none/*.parquet --workers 2 --into data/x')).rejects.toThrow(/Parquet/);
    await expect(ctx.magic('predict', 'scorer --data data/big/one.parquet --workers 2 --into data/x.parquet')).rejects.toThrow(/names a file/);
    expect(existsSync(join(dir, 'data', 'x'))).toBe(false);
  });
});
