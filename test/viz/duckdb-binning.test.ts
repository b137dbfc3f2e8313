import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src/session/session.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import { plot, plotsFor, type SqlRelation } from '../../src/viz/index.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROWS = 2_000_000;
let session: Session;
let source: SqlRelation;

beforeAll(async () => {
  session = new Session(mkdtempSync(join(tmpdir(), 'viz-duckdb-')));
  const { connection } = await embeddedDuckDB(session);
  // v is uniform over [0, 1000); g cycles through 3 groups; t is a day.
  await connection.run(`CREATE TABLE viz_big AS SELECT (i % 1000) + (i % 7) / 10.0 AS v, ['a', 'b', 'c'][(i % 3) + 1] AS g, DATE '2024-01-01' + CAST(i % 30 AS INTEGER) AS t FROM range(${ROWS}) r(i)`);
  source = { relation: 'viz_big', connection };
});

afterAll(() => session.close());

describe('aggregation in DuckDB', () => {
  it('a histogram of millions of rows comes back as bins whose counts add up to the rows', async () => {
    const figure = await plot.histogram(source, { x: 'v', bins: 20 }).figure();
    const [trace] = figure.data;
    expect(trace.x!.length).toBeLessThanOrEqual(21);
    expect(trace.width).toBe(50);
    expect((trace.y as number[]).reduce((a, b) => a + b, 0)).toBe(ROWS);
    expect(JSON.stringify(figure).length).toBeLessThan(5_000);
  });

  it('bins and aggregates the same as in-memory data does', async () => {
    const { connection } = source;
    const rows = (await connection.runAndReadAll('SELECT v, g FROM viz_big USING SAMPLE 3000 ROWS (reservoir, 3)')).getRowObjectsJS() as Array<{ v: number; g: string }>;
    await connection.run('CREATE OR REPLACE TABLE viz_small AS SELECT * FROM (VALUES ' + rows.map(() => '(?, ?)').join(', ') + ') t(v, g)', rows.flatMap((r) => [r.v, r.g]));
    const small = { relation: 'viz_small', connection };
    for (const build of [
      (d: object) => plot.histogram(d, { x: 'v', color: 'g' }),
      (d: object) => plot.bar(d, { x: 'g', y: 'v', agg: 'mean' }),
      (d: object) => plot.box(d, { x: 'g', y: 'v' }),
      (d: object) => plot.pie(d, { x: 'g' }),
    ]) {
      const inSql = await build(small).figure();
      const inMemory = await build(rows).figure();
      expect(JSON.parse(JSON.stringify(inSql), (_k, v) => (typeof v === 'number' ? Number(v.toPrecision(9)) : v))).toEqual(
        JSON.parse(JSON.stringify(inMemory), (_k, v) => (typeof v === 'number' ? Number(v.toPrecision(9)) : v)),
      );
    }
  });

  it('bar of a grouped aggregate returns one value per group', async () => {
    const [trace] = (await plot.bar(source, { x: 'g', y: 'v', agg: 'count' }).figure()).data;
    expect(trace.x).toEqual(['a', 'b', 'c']);
    expect((trace.y as number[]).reduce((a, b) => a + b, 0)).toBe(ROWS);
  });

  it('a scatter of millions of points is a uniform sample with a note', async () => {
    const figure = await plot.scatter(source, { x: 'v', y: 'v', color: 'g', maxPoints: 3000 }).figure();
    const points = figure.data.reduce((n, t) => n + t.x!.length, 0);
    expect(points).toBe(3000);
    expect(figure.data.map((t) => t.name)).toEqual(['a', 'b', 'c']);
    expect(JSON.stringify(figure.layout?.title)).toContain('3,000 of 2,000,000 rows');
  });

  it('dates come back as ISO text for a time axis; heatmaps bin numeric axes', async () => {
    const [line] = (await plot.line(source, { x: 't', y: 'v', agg: 'mean' }).figure()).data;
    expect(line.x).toHaveLength(30);
    expect(line.x![0]).toBe('2024-01-01');
    const [heat] = (await plot.heatmap(source, { x: 'v', y: 'g' }).figure()).data;
    expect(heat.y).toEqual(['a', 'b', 'c']);
    expect(heat.x!.length).toBeGreaterThanOrEqual(10);
    expect(heat.z!.flat().reduce((a: number, b) => a + Number(b ?? 0), 0)).toBe(ROWS);
  });

  it('charts a QueryResult where it lives, also through plotsFor', async () => {
    const { runSql } = await import('../../src/sql/query.js');
    const result = await runSql(session, 'SELECT g, count(*) AS n FROM viz_big GROUP BY g');
    expect((await plot.bar(result, { x: 'g', y: 'n' }).figure()).data[0]).toMatchObject({ x: ['a', 'b', 'c'] });
    const [slice] = (await plotsFor(result).pie({ x: 'g', y: 'n' }).figure()).data;
    expect((slice.values as number[]).reduce((a, b) => a + b, 0)).toBe(ROWS);
  });

  it('refuses to split by a column with too many values before grouping millions of rows', async () => {
    await expect(plot.scatter(source, { x: 'v', y: 'v', color: 'v' }).figure()).rejects.toThrow('--color v has more than 30 distinct values');
    await expect(plot.bar(source, { x: 'g', facet: 'v' }).figure()).rejects.toThrow('--facet v has more than 24 distinct values');
  });

  it('an unknown column names the valid ones, read from the relation', async () => {
    await expect(plot.bar(source, { x: 'nope' }).figure()).rejects.toMatchObject({ hint: 'Valid columns: v, g, t' });
  });
});
