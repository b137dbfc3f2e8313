import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, getConnection } from '../../src/connectors/index.js';
import { DataKernelError } from '../../src/errors.js';
import { Session } from '../../src/session/session.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import { runSql } from '../../src/sql/index.js';

const session = new Session(mkdtempSync(join(tmpdir(), 'dk-mysql-')));
let admin: mysql.Connection;

beforeAll(async () => {
  admin = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: 'test', multipleStatements: true });
  await admin.query(`
    DROP TABLE IF EXISTS sql_types;
    CREATE TABLE sql_types (id int PRIMARY KEY AUTO_INCREMENT, ti tinyint, si smallint unsigned, bi bigint, ubi bigint unsigned,
      f float, d double, dec1 decimal(12,3), wide decimal(30,4), vc varchar(20), dt date, dtt datetime(3), ts timestamp NULL,
      tm time, j json, bl blob, e enum('a','b'), y year);
    INSERT INTO sql_types (ti, si, bi, ubi, f, d, dec1, wide, vc, dt, dtt, ts, tm, j, bl, e, y) VALUES
      (-1, 65535, 9007199254740993, 18446744073709551615, 1.5, 2.25, 123456789.123, 12345678901234567890.1234, 'hé', '2024-02-29',
       '2024-01-02 03:04:05.123', '2024-01-02 03:04:05', '12:34:56', '{"a":[1,2]}', X'0102FF', 'b', 2024),
      (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    DROP USER IF EXISTS 'sql_tester'@'%';
    CREATE USER 'sql_tester'@'%' IDENTIFIED BY 'right-pass';
    GRANT SELECT ON test.* TO 'sql_tester'@'%';
  `);
  await connect(session, 'my', 'mysql://root@127.0.0.1:3306/test');
}, 120_000);

afterAll(async () => {
  await session.close();
  await admin.query("DROP TABLE IF EXISTS sql_types; DROP USER IF EXISTS 'sql_tester'@'%'");
  await admin.end();
});

describe('mysql connector', () => {
  it('loads every common type, and nulls, into DuckDB with the right types', async () => {
    const result = await runSql(session, 'SELECT * EXCLUDE (id) FROM my.test.sql_types ORDER BY id');
    expect(Object.fromEntries(result.columns.map((c) => [c.name, c.type]))).toEqual({
      ti: 'TINYINT', si: 'USMALLINT', bi: 'BIGINT', ubi: 'UBIGINT', f: 'FLOAT', d: 'DOUBLE', dec1: 'DECIMAL(12,3)', wide: 'DECIMAL(30,4)',
      vc: 'VARCHAR', dt: 'DATE', dtt: 'TIMESTAMP', ts: 'TIMESTAMP WITH TIME ZONE', tm: 'VARCHAR', j: 'JSON', bl: 'BLOB', e: 'VARCHAR', y: 'INTEGER',
    });
    const [full, empty] = await result.toArray();
    expect(full).toMatchObject({
      ti: -1, si: 65535, bi: 9007199254740993n, ubi: 18446744073709551615n, f: 1.5, d: 2.25, dec1: 123456789.123, vc: 'hé',
      dt: new Date('2024-02-29T00:00:00Z'), dtt: new Date('2024-01-02T03:04:05.123Z'), ts: new Date('2024-01-02T03:04:05Z'),
      tm: '12:34:56', e: 'b', y: 2024,
    });
    expect(JSON.parse(full.j as string)).toEqual({ a: [1, 2] });
    expect([...(full.bl as Uint8Array)]).toEqual([1, 2, 255]);
    const exact = await runSql(session, 'SELECT wide::VARCHAR AS w FROM my.sql_types WHERE id = 1');
    expect(await exact.toArray()).toEqual([{ w: '12345678901234567890.1234' }]);
    // Only the columns the query read were loaded.
    const { connection } = await embeddedDuckDB(session);
    const loaded = await connection.runAndReadAll("SELECT column_name FROM duckdb_columns() WHERE database_name = 'my' AND schema_name = 'main' AND table_name = 'sql_types' ORDER BY column_index");
    expect(loaded.getRows().map(([name]) => name)).toEqual(['id', 'wide']);
    // A preview loads its rows only.
    const preview = await runSql(session, 'SELECT * FROM my.sql_types LIMIT 1');
    expect(preview.numRows).toBe(1);
    expect(Number((await connection.runAndReadAll('SELECT count(*) FROM my.main.sql_types')).getRows()[0][0])).toBe(1);
    expect(Object.values(empty).every((v) => v === null)).toBe(true);
  });

  it('reads a 300k-row result streamed from MariaDB in batches', async () => {
    const connector = getConnection(session, 'my');
    const result = await connector.query('SELECT seq AS id, seq * 2 AS twice FROM seq_1_to_300000');
    expect(result.numRows).toBe(300_000);
    const sum = await runSql(session, `SELECT sum(id) AS s, max(twice) AS m FROM ${result.relation}`);
    expect(await sum.toArray()).toEqual([{ s: 45000150000n, m: 600000n }]);
  }, 180_000);

  it('lists tables and columns', async () => {
    const connector = getConnection(session, 'my');
    expect(await connector.tables()).toContainEqual({ schema: 'test', name: 'sql_types', kind: 'table' });
    expect((await connector.columns('sql_types'))[0]).toEqual({ name: 'id', sourceType: 'int(11)', duckdbType: 'INTEGER', nullable: false, key: true });
    // A third part was dropped: test.sql_types.x read as test.sql_types.
    await expect(connector.columns('test.sql_types.x')).rejects.toThrow(/test\.sql_types\.x has 3 parts; a MySQL table is database\.table/);
  });

  it('runs statements without rows on the source and reports affected rows', async () => {
    const result = await getConnection(session, 'my').query('UPDATE sql_types SET ti = ti WHERE id = ?', [1]);
    expect(await result.toArray()).toEqual([{ affected_rows: 1n }]);
  });

  it('runs a script of several statements on the source, one at a time, and returns the last result', async () => {
    const result = await getConnection(session, 'my').query(
      "DROP TABLE IF EXISTS sql_script; CREATE TABLE sql_script (id INT, note VARCHAR(20)); INSERT INTO sql_script VALUES (1, 'a;b'), (2, NULL);\nSELECT count(*) AS n, max(note) AS note FROM sql_script",
    );
    expect(await result.toArray()).toEqual([{ n: 2n, note: 'a;b' }]);
    const failing = await getConnection(session, 'my').query('SELECT 1; SELEC 2; SELECT 3').catch((e) => e);
    expect(failing.message).toMatch(/SQL syntax/);
    await getConnection(session, 'my').query('DROP TABLE sql_script');
  });

  it('names a missing table and bad SQL clearly', async () => {
    const missing = await runSql(session, 'SELECT * FROM my.test.sql_nope').catch((e) => e);
    expect(missing).toBeInstanceOf(DataKernelError);
    expect(missing.message).toMatch(/mysql:\/\/root@127\.0\.0\.1:3306\/test: Table 'test\.sql_nope' doesn't exist/);
    expect(missing.hint).toMatch(/--tables/);
    const bad = await getConnection(session, 'my').query('SELEC 1').catch((e) => e);
    expect(bad.message).toMatch(/SQL syntax/);
  });

  it('refuses a wrong password without showing it', async () => {
    const error = await connect(session, 'wrong', 'mysql://sql_tester:not-the-pass@127.0.0.1:3306/test').catch((e) => e);
    expect(error).toBeInstanceOf(DataKernelError);
    expect(error.message).toMatch(/Access denied for user 'sql_tester'/);
    expect(error.message).toContain('mysql://sql_tester:***@127.0.0.1:3306/test');
    expect(`${error.message} ${error.hint}`).not.toContain('not-the-pass');
    expect(error.hint).toMatch(/password/);
    const right = await connect(session, 'right', 'mysql://sql_tester@127.0.0.1:3306/test', { password: 'right-pass' });
    expect(right.displayUri).toBe('mysql://sql_tester:***@127.0.0.1:3306/test');
  });
});
