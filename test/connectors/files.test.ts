import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, getConnection } from '../../src/connectors/index.js';
import { DataKernelError } from '../../src/errors.js';
import { Session } from '../../src/session/session.js';
import { runSql } from '../../src/sql/index.js';

const dir = mkdtempSync(join(tmpdir(), 'dk-files-'));
const session = new Session(dir);

beforeAll(async () => {
  for (const year of [2023, 2024]) {
    mkdirSync(join(dir, 'sales', `year=${year}`), { recursive: true });
    await runSql(session, `COPY (SELECT range AS id, range * ${year - 2020} AS amount FROM range(10)) TO '${join(dir, 'sales', `year=${year}`, 'part.parquet')}' (FORMAT parquet)`);
  }
  writeFileSync(join(dir, 'people.csv'), 'name,age\nada,36\nalan,41\n');
  writeFileSync(join(dir, 'events.ndjson'), '{"kind":"click","n":1}\n{"kind":"view","n":2}\n');
  writeFileSync(join(dir, 'list.json'), '[{"a":1},{"a":2},{"a":3}]');
  await runSql(session, `ATTACH '${join(dir, 'shop.duckdb')}' AS shop_setup; CREATE TABLE shop_setup.orders AS SELECT range AS id FROM range(4); DETACH shop_setup`);
});
afterAll(() => session.close());

describe('file connections', () => {
  it('registers a folder of hive-partitioned Parquet as a view with the partition column', async () => {
    await connect(session, 'sales', 'sales');
    const result = await runSql(session, 'SELECT year, count(*) AS n, sum(amount) AS total FROM sales GROUP BY year ORDER BY year');
    expect(await result.toArray()).toEqual([
      { year: 2023n, n: 10n, total: 135n },
      { year: 2024n, n: 10n, total: 180n },
    ]);
    expect(await getConnection(session, 'sales').tables()).toEqual([{ schema: 'main', name: 'sales', kind: 'view' }]);
  });

  it('reads CSV, NDJSON and JSON arrays by path, and globs', async () => {
    await connect(session, 'people', join(dir, 'people.csv'));
    await connect(session, 'events', 'events.ndjson');
    await connect(session, 'list', `file://${join(dir, 'list.json')}`);
    await connect(session, 'parts', 'sales/*/*.parquet');
    expect(await (await runSql(session, 'SELECT name FROM people WHERE age > 40')).toArray()).toEqual([{ name: 'alan' }]);
    expect(await (await runSql(session, 'SELECT sum(n) AS s FROM events')).toArray()).toEqual([{ s: 3n }]);
    expect((await runSql(session, 'SELECT * FROM list')).numRows).toBe(3);
    expect((await runSql(session, 'SELECT * FROM parts')).numRows).toBe(20);
    const columns = await getConnection(session, 'people').columns('people');
    expect(columns.map((c) => [c.name, c.duckdbType])).toEqual([
      ['name', 'VARCHAR'],
      ['age', 'BIGINT'],
    ]);
  });

  it('attaches a DuckDB file as a catalog and runs --on queries inside it', async () => {
    const shop = await connect(session, 'shop', 'duckdb://shop.duckdb');
    expect(await (await runSql(session, 'SELECT count(*) AS n FROM shop.main.orders')).toArray()).toEqual([{ n: 4n }]);
    expect(await (await shop.query('SELECT max(id) AS m FROM orders')).toArray()).toEqual([{ m: 3n }]);
    expect(await shop.tables()).toEqual([{ schema: 'main', name: 'orders', kind: 'table' }]);
  });

  it('explains a missing file, an unknown file type and an unknown source kind', async () => {
    const missing = await connect(session, 'gone', 'nowhere/data.parquet').catch((e) => e);
    expect(missing).toBeInstanceOf(DataKernelError);
    expect(missing.message).toBe('File not found: nowhere/data.parquet');
    const odd = await connect(session, 'odd', 'people.xlsx').catch((e) => e);
    expect(odd.message).toMatch(/File not found|Unknown file type/);
    const kind = await connect(session, 'x', 'redis://localhost').catch((e) => e);
    expect(kind.message).toBe('Unknown kind of source: redis://');
    const name = await connect(session, 'bad name', 'people.csv').catch((e) => e);
    expect(name.message).toMatch(/Not a valid connection name/);
    await expect(connect(session, 'main', 'people.csv')).rejects.toThrow(/a name DuckDB uses itself/);
    expect(() => getConnection(session, 'nope')).toThrow(DataKernelError);
  });

  it("refuses a name the user's own view holds (it would be replaced), and reconnects its own view", async () => {
    await runSql(session, 'CREATE VIEW mine AS SELECT 7 AS kept');
    await expect(connect(session, 'mine', 'people.csv')).rejects.toThrow(/DuckDB already has a view named mine: connecting as mine would replace it with a view over people\.csv/);
    expect(await (await runSql(session, 'SELECT * FROM mine')).toArray()).toEqual([{ kept: 7 }]);
    await connect(session, 'folks', 'people.csv');
    await connect(session, 'folks', 'people.csv');
    expect(await (await runSql(session, 'SELECT count(*)::INT AS n FROM folks')).toArray()).toEqual([{ n: 2 }]);
  });
});
