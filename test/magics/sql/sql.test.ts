import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataKernelError } from '../../../src/errors.js';
import { QueryResult } from '../../../src/sql/index.js';
import { TestMagicContext } from '../../helpers/magic-context.js';

const ctx = new TestMagicContext();
afterAll(() => ctx.session.close());

const display = async (value: unknown) => (value as { [k: symbol]: () => Promise<Record<string, unknown>> })[Symbol.for('Jupyter.display')]();

describe('%sql and %%sql', () => {
  it('runs a line query and shows an HTML table with types and the row count', async () => {
    const result = await ctx.magic('sql', "SELECT 42 AS answer, 'it''s' AS s");
    expect(result).toBeInstanceOf(QueryResult);
    const bundle = await display(result);
    expect(bundle['text/html']).toContain('<th>answer<br><small style="font-weight:normal;opacity:.6">INTEGER</small></th>');
    expect(bundle['text/plain']).toContain('1 row × 2 columns');
  });

  it('runs a cell with several statements, binds $name from variables and stores the result', async () => {
    ctx.variables.set('minimum', 3);
    ctx.variables.set('label', "'); DROP TABLE sqlm_t; --");
    const result = (await ctx.magic('sql', 'big <<', 'CREATE TABLE sqlm_t AS SELECT range AS i FROM range(10);\nSELECT i, $label AS label FROM sqlm_t WHERE i >= $minimum ORDER BY i')) as QueryResult;
    expect(result.numRows).toBe(7);
    expect(ctx.variables.get('big')).toBe(result);
    expect((await result.toArray(1))[0]).toEqual({ i: 3n, label: "'); DROP TABLE sqlm_t; --" });
    await ctx.magic('sql', '-o again', 'SELECT count(*) AS n FROM sqlm_t');
    expect(await (ctx.variables.get('again') as QueryResult).toArray()).toEqual([{ n: 10n }]);
  });

  it('queries variables by name: a previous result and an array of objects', async () => {
    ctx.variables.set('orders', [
      { id: 1, amount: 9.5 },
      { id: 2, amount: 20 },
    ]);
    const result = (await ctx.magic('sql', 'SELECT o.id, b.label FROM orders o JOIN big b ON b.i = o.id + 2 ORDER BY o.id')) as QueryResult;
    expect(await result.toArray()).toEqual([
      { id: 1n, label: "'); DROP TABLE sqlm_t; --" },
      { id: 2n, label: "'); DROP TABLE sqlm_t; --" },
    ]);
  });

  it('sets the number of rows results show', async () => {
    await ctx.magic('sql', '--display-rows 3');
    const bundle = await display(await ctx.magic('sql', 'SELECT * FROM range(100)'));
    expect(bundle['text/plain']).toContain('3 of 100 rows shown');
    await ctx.magic('sql', '--display-rows 20');
  });

  it('turns SQL errors into DataKernelErrors with the position', async () => {
    const error = (await ctx.magic('sql', 'SELECT * FROM sqlm_missing').catch((e: unknown) => e)) as DataKernelError;
    expect(error).toBeInstanceOf(DataKernelError);
    expect(error.message).toMatch(/Table with name sqlm_missing does not exist[\s\S]*LINE 1: SELECT \* FROM sqlm_missing\n {22}\^/);
    await expect(ctx.magic('sql', '', '   ')).rejects.toThrow(/no query/);
    await expect(ctx.magic('sql', '--on nowhere', 'SELECT 1')).rejects.toThrow(/Unknown connection: nowhere/);
  });
});

describe('%connect and %disconnect', () => {
  it('connects a file, lists connections and tables, and disconnects', async () => {
    writeFileSync(join(ctx.session.projectDir, 'cities.csv'), 'city,pop\nParis,2100000\nLyon,520000\n');
    const connected = await display(await ctx.magic('connect', 'cities cities.csv'));
    expect(connected['text/plain']).toBe('Connected cities: cities.csv (files). Query it with SELECT * FROM cities.');
    expect(((await ctx.magic('sql', 'SELECT count(*) AS n FROM cities')) as QueryResult).numRows).toBe(1);
    const listing = await display(await ctx.magic('connect'));
    expect(listing['text/plain']).toMatch(/cities\s+│ files\s+│ cities.csv/);
    const tables = await display(await ctx.magic('connect', 'cities --tables'));
    expect(tables['text/plain']).toContain('cities');
    await ctx.magic('disconnect', 'cities');
    await expect(ctx.magic('sql', 'SELECT * FROM cities')).rejects.toThrow(/cities/);
  });

  it('asks for a password with --password and never shows it', async () => {
    ctx.output.answers.push('typed-secret');
    await ctx.magic('connect', 'pgm postgres://postgres@127.0.0.1:5432/test --password');
    const listing = await display(await ctx.magic('connect'));
    expect(listing['text/plain']).toContain('postgres://postgres:***@127.0.0.1:5432/test');
    expect(JSON.stringify(ctx.output.outputs) + listing['text/html']).not.toContain('typed-secret');
    const onSource = (await ctx.magic('sql', '--on pgm', "SELECT current_user AS who, 'x'::text || $$y$$ AS t")) as QueryResult;
    expect(await onSource.toArray()).toEqual([{ who: 'postgres', t: 'xy' }]);
    await ctx.magic('disconnect', 'pgm');
  });

  it('warns when a password is written into the URI, and still hides it', async () => {
    await ctx.magic('connect', 'pgw postgres://postgres:literal-pw@127.0.0.1:5432/test');
    expect(ctx.output.text()).toContain('Warning: a password written in the URI is saved with the notebook');
    const listing = await display(await ctx.magic('connect'));
    expect(listing['text/plain']).toContain('postgres://postgres:***@127.0.0.1:5432/test');
    expect(JSON.stringify(ctx.output.outputs) + listing['text/html'] + listing['text/plain']).not.toContain('literal-pw');
    await ctx.magic('disconnect', 'pgw');
  });
});
