import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataKernelError } from '../../src/errors.js';
import { Frame } from '../../src/frame/index.js';
import { Session } from '../../src/session/session.js';
import { runSql } from '../../src/sql/index.js';

const session = new Session(mkdtempSync(join(tmpdir(), 'dk-frame-')));
const PENGUINS = join(process.cwd(), 'node_modules/vega-datasets/data/penguins.json');
let penguins: Frame;

beforeAll(async () => {
  penguins = await Frame.from(session, PENGUINS);
});
afterAll(() => session.close());

describe('Frame', () => {
  it('filters with bound parameters, selects, sorts and takes the head lazily', async () => {
    const heavy = penguins
      .filter('"Body Mass (g)" > $min AND "Species" = $species', { min: 5500, species: 'Gentoo' })
      .select('Species', 'Island', 'Body Mass (g)')
      .sort('-Body Mass (g)')
      .head(3);
    expect(heavy.toSQL()).toContain('$min');
    const rows = await heavy.toArray();
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({ Species: 'Gentoo', Island: 'Biscoe', 'Body Mass (g)': 6300n });
    expect(Object.keys(rows[0])).toEqual(['Species', 'Island', 'Body Mass (g)']);
  });

  it('groups and aggregates with named and SQL aggregations', async () => {
    const bySpecies = await penguins
      .groupBy('Species')
      .agg({ 'Body Mass (g)': ['mean', 'max'], n: 'count(*)' })
      .sort('Species')
      .toArray();
    expect(bySpecies.map((r) => [r.Species, r.n])).toEqual([
      ['Adelie', 152n],
      ['Chinstrap', 68n],
      ['Gentoo', 124n],
    ]);
    expect(bySpecies[0]['Body Mass (g)_mean']).toBeCloseTo(3700.66, 1);
    expect(bySpecies[2]['Body Mass (g)_max']).toBe(6300n);
  });

  it('assigns new and replacing columns, joins and converts to danfo', async () => {
    const withKg = penguins.assign({ kg: '"Body Mass (g)" / 1000', Island: 'upper("Island")' });
    const islands = Frame.sql(session, "SELECT * FROM (VALUES ('BISCOE', 'south'), ('DREAM', 'north')) AS t(\"Island\", region)");
    const joined = withKg.join(islands, 'Island', 'left').filter('kg IS NOT NULL').groupBy('region').agg({ kg: 'max' }).sort('region');
    const rows = await joined.toArray();
    expect(rows).toEqual([
      { region: 'north', kg_max: 4.8 },
      { region: 'south', kg_max: 6.3 },
      { region: null, kg_max: 4.7 },
    ]);
    const frame = await joined.toDanfo();
    expect(frame.shape).toEqual([3, 2]);
  });

  it('describes every column and displays the head with the total count', async () => {
    const stats = await (await penguins.describe()).toArray();
    const mass = stats.find((s) => s.column_name === 'Body Mass (g)')!;
    expect(mass).toMatchObject({ min: '2700', max: '6300', null_percentage: expect.anything() });
    const shown = await (penguins as unknown as { [k: symbol]: () => Promise<Record<string, string>> })[Symbol.for('Jupyter.display')]();
    expect(shown['text/plain']).toContain('20 of 344 rows shown');
  });

  it('works over query results and is queryable from SQL by name', async () => {
    const result = await runSql(session, 'SELECT range AS i FROM range(10)');
    const evens = Frame.of(result).filter('i % 2 = 0');
    expect(await evens.count()).toBe(5);
    const viaSql = await runSql(session, 'SELECT sum(i) AS s FROM evens', undefined, { variables: { has: (n) => n === 'evens', get: () => evens } });
    expect(await viaSql.toArray()).toEqual([{ s: 20n }]);
    const bound = Frame.of(result).filter('i > $low', { low: 6 });
    const viaSqlBound = await runSql(session, 'SELECT sum(i) AS s FROM bound', undefined, { variables: { has: (n) => n === 'bound', get: () => bound } });
    expect(await viaSqlBound.toArray()).toEqual([{ s: 24n }]);
  });

  it('rejects unknown aggregations and clashing parameters', () => {
    expect(() => penguins.groupBy('Species').agg({ x: 'average' })).toThrow(DataKernelError);
    expect(() => penguins.filter('1 = $a', { a: 1 }).filter('2 = $a', { a: 2 })).toThrow(/already bound/);
  });
});
