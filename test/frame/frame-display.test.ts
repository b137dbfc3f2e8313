import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataKernelError } from '../../src/errors.js';
import { Frame, frame } from '../../src/frame/index.js';
import { Session } from '../../src/session/session.js';
import { embeddedDuckDB, runSql } from '../../src/sql/index.js';

const session = new Session(mkdtempSync(join(tmpdir(), 'dk-frame-display-')));
const shown = (value: unknown) => (value as { [k: symbol]: () => Promise<Record<string, unknown>> })[Symbol.for('Jupyter.display')]();
const tableCount = async () => {
  const { connection } = await embeddedDuckDB(session);
  return Number((await connection.runAndReadAll('SELECT count(*) FROM duckdb_tables()')).getRows()[0][0]);
};
let rows: Frame;

beforeAll(async () => {
  await runSql(session, 'CREATE TABLE frame_display_rows AS SELECT range AS id, range % 7 AS g, (range * 37 % 101) / 101.0 AS x FROM range(100000)');
  rows = await frame('frame_display_rows', { session });
});
afterAll(() => session.close());

describe('showing a frame', () => {
  it('shows the first rows in order and the total of a filtered, extended frame, and keeps no table', async () => {
    const before = await tableCount();
    const view = rows.filter('x > $cut', { cut: 0.5 }).assign({ twice: 'x * 2' });
    const bundle = await shown(view);
    expect(await tableCount()).toBe(before);
    const expected = await runSql(session, 'SELECT count(*) AS n FROM frame_display_rows WHERE x > 0.5');
    const total = Number((await expected.toArray())[0].n);
    expect(bundle['text/plain']).toContain(`20 of ${total.toLocaleString('en-US')} rows shown`);
    const resource = bundle['application/vnd.dataresource+json'] as { schema: { fields: { name: string; type: string }[] }; data: Record<string, number>[] };
    expect(resource.schema.fields.map((f) => f.name)).toEqual(['id', 'g', 'x', 'twice']);
    expect(resource.data).toHaveLength(20);
    const firstIds = (await (await runSql(session, 'SELECT id FROM frame_display_rows WHERE x > 0.5 ORDER BY id LIMIT 20')).toArray()).map((r) => Number(r.id));
    expect(resource.data.map((r) => r.id)).toEqual(firstIds);
    for (const r of resource.data) expect(r.twice).toBeCloseTo(r.x * 2, 12);
    expect(await view.count()).toBe(total);
  });

  it('counts an empty frame and a frame shown with no rows', async () => {
    expect(await rows.filter('x > 2').count()).toBe(0);
    expect((await shown(rows.filter('x > 2')))['text/plain']).toMatch(/0 rows/);
    expect(await rows.groupBy('g').size().count()).toBe(7);
  });

  it('runs a grouped frame once for its rows and its total: a volatile aggregate shows as many rows as its total says', async () => {
    // 16 groups of 5 random values, about half with a mean above 0.5: two runs would rarely keep the same groups.
    // Fewer groups than a frame shows (20), so every row it keeps is listed and must match the total.
    const noisy = Frame.sql(session, 'SELECT range % 16 AS g, random() AS r FROM range(80)').groupBy('g').agg({ r: 'mean' }).filter('r_mean > 0.5');
    for (let i = 0; i < 8; i++) {
      const bundle = await shown(noisy);
      const listed = (bundle['application/vnd.dataresource+json'] as { data: unknown[] }).data.length;
      expect(bundle['text/plain']).toContain(`${listed} row${listed === 1 ? '' : 's'} × 2 columns`);
    }
  });

  it('gives DuckDB\'s error for a wrong expression, pointing into what the user wrote', async () => {
    const error = await shown(rows.filter('no_such_column > 1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataKernelError);
    expect((error as Error).message).toMatch(/no_such_column/);
    expect((error as DataKernelError).hint).toMatch(/column name/);
  });

  it('a frame over a query result keeps the result\'s rows while it lives', async () => {
    const result = await runSql(session, 'SELECT range AS i FROM range(10)');
    const evens = (await frame(result)).filter('i % 2 = 0');
    expect((await shown(evens))['text/plain']).toMatch(/\b8\b/);
  });
});

describe('frames from a cell', () => {
  it("import { frame } from 'datakernel/frame' over a %%sql result, shown as a table with its total", () => {
    const script = [
      "import { frame } from 'datakernel/frame'",
      '%%sql top <<',
      'SELECT range AS i, range % 3 AS k FROM range(1000)',
      '',
      'const f = await frame(top)',
      "f.filter('i >= $from', { from: 990 }).assign({ sq: 'i * i' })",
    ].join('\n');
    const run = spawnSync('node', [join(import.meta.dirname, '../../bin/datakernel.js'), 'repl'], { input: script, encoding: 'utf8', cwd: mkdtempSync(join(tmpdir(), 'dk-frame-cell-')), timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('980100');
    expect(run.stdout).toMatch(/10 rows/);
  });
});
