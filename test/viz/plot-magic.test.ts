import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataKernelError } from '../../src/errors.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import type { Chart } from '../../src/viz/index.js';
import { TestMagicContext } from '../helpers/magic-context.js';

const FLIGHTS = join(process.cwd(), 'node_modules/vega-datasets/data/flights-3m.parquet');
const ctx = new TestMagicContext();
ctx.variables.set('penguins', JSON.parse(readFileSync('node_modules/vega-datasets/data/penguins.json', 'utf8')));

afterAll(() => ctx.session.close());

const figureOf = async (line: string) => (await (ctx.magic('plot', line) as Promise<Chart>)).figure();
const failure = (line: string) => ctx.magic('plot', line).then(() => undefined, (e: unknown) => e as DataKernelError);

describe('%plot', () => {
  it('charts an array variable where it lives, in JS memory', async () => {
    const figure = await figureOf('bar --data penguins --x Species --y "Body Mass (g)" --agg mean --title Mass');
    expect(figure.data[0].x).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect((figure.data[0].y as number[]).map(Math.round)).toEqual([3701, 3733, 5076]);
    expect(figure.layout?.title).toEqual({ text: 'Mass' });
  });

  it('charts a DuckDB table, and the last result _ (a query result, read in DuckDB) by default', async () => {
    const { connection } = await embeddedDuckDB(ctx.session);
    await connection.run("CREATE OR REPLACE TABLE viz_magic AS SELECT * FROM (VALUES ('a', 1), ('b', 2), ('a', 5)) t(k, v)");
    expect((await figureOf('pie --data viz_magic --x k --y v')).data[0]).toMatchObject({ labels: ['a', 'b'], values: [6, 2] });
    const { runSql } = await import('../../src/sql/query.js');
    ctx.variables.set('_', await runSql(ctx.session, 'SELECT k, sum(v) AS total FROM viz_magic GROUP BY k ORDER BY k'));
    expect((await figureOf('scatter --x k --y total')).data[0]).toMatchObject({ x: ['a', 'b'], y: [6, 2] });
    ctx.variables.delete('_');
  });

  it('bins 3 million rows of a parquet file in DuckDB, sending bins, not rows', async () => {
    const figure = await figureOf(`histogram --data ${FLIGHTS} --x delay --bins 40`);
    expect(figure.data[0].x!.length).toBeLessThanOrEqual(80);
    expect((figure.data[0].y as number[]).reduce((a, b) => a + b, 0)).toBe(3_000_000);
    expect(JSON.stringify(figure).length).toBeLessThan(10_000);
  });

  it('splits by --color and --facet, with one panel per facet value', async () => {
    const { connection } = await embeddedDuckDB(ctx.session);
    await connection.run(`CREATE OR REPLACE VIEW viz_flights AS SELECT delay, distance, CASE WHEN distance > 1000 THEN 'long' ELSE 'short' END AS haul, CASE WHEN delay > 15 THEN 'late' ELSE 'on time' END AS status FROM '${FLIGHTS}'`);
    const figure = await figureOf('scatter --data viz_flights --x distance --y delay --color status --facet haul --max-points 2000');
    expect(new Set(figure.data.map((t) => t.xaxis ?? 'x'))).toEqual(new Set(['x', 'x2']));
    expect(new Set(figure.data.map((t) => t.name))).toEqual(new Set(['late', 'on time']));
    expect(figure.data.reduce((n, t) => n + t.x!.length, 0)).toBe(2000);
  });

  it('saves the chart as HTML and prints its path', async () => {
    const chart = await ctx.magic('plot', 'box --data penguins --x Species --y "Flipper Length (mm)" --save viz-box.html');
    const path = join(ctx.cwd(), 'viz-box.html');
    expect(existsSync(path)).toBe(true);
    expect(ctx.output.text()).toContain(`Saved chart to ${path}`);
    expect(chart).toBeDefined();
    rmSync(path);
  });

  it('names the valid kinds, columns and aggregates when one is wrong', async () => {
    expect(await failure('bars --data penguins --x Species')).toMatchObject({ message: "Unknown chart kind 'bars'", hint: 'Valid kinds: line, scatter, bar, histogram, box, heatmap, pie' });
    const column = await failure('bar --data penguins --x species');
    expect(column).toBeInstanceOf(DataKernelError);
    expect(column?.hint).toBe('Valid columns: Species, Island, Beak Length (mm), Beak Depth (mm), Flipper Length (mm), Body Mass (g), Sex');
    expect((await failure('bar --data penguins --x Species --agg avg'))?.hint).toBe('Valid aggregates: count, sum, mean, median, min, max');
    expect((await failure('bar --x Species'))?.message).toBe('No data to plot: there is no last result _');
    expect((await failure('histogram --data penguins --x Island --bins many'))?.message).toBe("--bins must be a positive whole number, not 'many'");
  });
});
