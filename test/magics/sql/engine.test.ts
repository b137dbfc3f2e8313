import { afterAll, describe, expect, it } from 'vitest';
import { engineHarness } from '../../engine/engine-harness.js';

const { engine, run, value } = engineHarness();
afterAll(() => engine.shutdown());

describe('%sql through the engine', () => {
  it('runs a %%sql cell, binds cell variables and keeps the result as a variable', async () => {
    await value('const threshold = 2\nconst people = [{ name: "ada", n: 1 }, { name: "bob", n: 3 }, { name: "cy", n: 5 }]');
    const shown = await run('%%sql big <<\nSELECT name, n FROM people WHERE n > $threshold ORDER BY n');
    expect(shown.outcome.status).toBe('ok');
    expect(shown.text).toContain('2 rows × 2 columns');
    if (shown.outcome.status === 'ok') expect(String(shown.outcome.result?.['text/html'])).toContain('<th>name<br>');
    expect(await value('(await big.toArray()).map((r) => r.name).join(",")')).toBe("'bob,cy'");
    expect(await value('const total = %sql SELECT sum(n) AS s FROM big\n(await total.toArray())[0].s')).toBe('8n');
  });

  it('gives the rows of a %%sql result at once in the next cell, and says to await a big one', async () => {
    await value('%%sql top <<\nSELECT range AS n, range * 2 AS twice FROM range(5) ORDER BY n DESC');
    expect(await value('top.toArray().map((r) => r.n * r.twice)')).toBe('[ 32n, 18n, 8n, 2n, 0n ]');
    await value('%%sql many <<\nSELECT range AS n FROM range(100000)');
    const failed = await run('many.toArray().map((r) => r.n)');
    expect(failed.outcome.status).toBe('error');
    if (failed.outcome.status === 'error') expect(failed.outcome.error.traceback.join('\n')).toMatch(/still in DuckDB[\s\S]*await result\.toArray\(\)/);
    expect(await value('(await many.toArray()).length')).toBe('100000');
  });

  it('queries an array variable again after it changed, as a fresh table', async () => {
    await value('const orders = [{ amount: 1 }, { amount: 2 }]');
    expect(await value('const counted = %sql SELECT count(*) AS n FROM orders\n(await counted.toArray())[0].n')).toBe('2n');
    await value('orders.push({ amount: 40 })');
    expect(await value('const summed = %sql SELECT sum(amount) AS s FROM orders\n(await summed.toArray())[0].s')).toBe('43n');
  });

  it('charts a result from its own methods, aggregated in DuckDB', async () => {
    await value("const sales = %sql SELECT * FROM (VALUES ('north', 10), ('south', 20), ('north', 5)) t(region, amount)");
    const shown = await run("sales.plot.bar({ x: 'region', y: 'amount' })");
    if (shown.outcome.status !== 'ok') throw new Error('the chart cell failed');
    const figure = shown.outcome.result?.['application/vnd.plotly.v1+json'] as { data: Array<{ x: unknown[]; y: unknown[] }> };
    expect(figure.data[0].x).toEqual(['north', 'south']);
    expect(figure.data[0].y).toEqual([15, 20]);
  });

  it('shows a SQL error with its position and keeps the kernel going', async () => {
    const failed = await run('%sql SELECT nope FROM range(3)');
    expect(failed.outcome.status).toBe('error');
    if (failed.outcome.status === 'error') expect(failed.outcome.error.traceback.join('\n')).toMatch(/Referenced column "nope" not found[\s\S]*\^/);
    expect(await value('1 + 1')).toBe('2');
  });
});
