import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, disconnect, getConnection, listConnections } from '../../src/connectors/index.js';
import type { PostgresConnection } from '../../src/connectors/postgres.js';
import { DataKernelError } from '../../src/errors.js';
import { Session } from '../../src/session/session.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import { runSql } from '../../src/sql/index.js';

const URI = 'postgres://postgres@127.0.0.1:5432/test';
const session = new Session(mkdtempSync(join(tmpdir(), 'dk-pg-')));
const admin = new pg.Client({ connectionString: URI });

beforeAll(async () => {
  await admin.connect();
  await admin.query(`
    DROP SCHEMA IF EXISTS sqltest_pg CASCADE; CREATE SCHEMA sqltest_pg;
    CREATE TABLE sqltest_pg.types (id serial PRIMARY KEY, i2 smallint, i4 integer, i8 bigint, r real, d double precision,
      n numeric(12,3), nn numeric, b boolean, t text, vc varchar(10), dt date, ts timestamp, tstz timestamptz, iv interval,
      j json, jb jsonb, u uuid, ba bytea, ia integer[], ta text[], tsa timestamptz[], "Mixed Case" text);
    INSERT INTO sqltest_pg.types (i2, i4, i8, r, d, n, nn, b, t, vc, dt, ts, tstz, iv, j, jb, u, ba, ia, ta, tsa, "Mixed Case") VALUES
      (1, 2, 9007199254740993, 1.5, 2.25, 123456789.123, 1e30, true, 'hé "q", x', 'abc', '2024-02-29', '2024-01-02 03:04:05.123456',
       '2024-01-02 03:04:05+02', '1 day 02:00:00', '{"a":[1,2]}', '{"b":null}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x0102ff',
       '{1,NULL,3}', '{"a,b","c\\"d",NULL}', '{"2024-01-01 00:00:00+00"}', 'm'),
      (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    CREATE TABLE sqltest_pg.texts (t text, n int);
    INSERT INTO sqltest_pg.texts VALUES ('', 1), (NULL, 2), ('\\N', 3), ('a,"b"' || chr(10) || 'c', 4);
    CREATE TABLE sqltest_pg.nothing (t text, n int);
    CREATE TABLE sqltest_pg.big AS SELECT g AS id, g * 0.5 AS x, 'row ' || g AS s FROM generate_series(1, 1000000) g;
    ANALYZE sqltest_pg.big;
  `);
  await connect(session, 'pg', URI);
}, 120_000);

afterAll(async () => {
  await session.close();
  await admin.query('DROP SCHEMA IF EXISTS sqltest_pg CASCADE');
  await admin.end();
});

describe('postgres connector', () => {
  it('loads every common type, and nulls, into DuckDB with the right types', async () => {
    const result = await runSql(session, 'SELECT * EXCLUDE (id) FROM pg.sqltest_pg.types ORDER BY id');
    expect(Object.fromEntries(result.columns.map((c) => [c.name, c.type]))).toEqual({
      i2: 'SMALLINT', i4: 'INTEGER', i8: 'BIGINT', r: 'FLOAT', d: 'DOUBLE', n: 'DECIMAL(12,3)', nn: 'DOUBLE', b: 'BOOLEAN',
      t: 'VARCHAR', vc: 'VARCHAR', dt: 'DATE', ts: 'TIMESTAMP', tstz: 'TIMESTAMP WITH TIME ZONE', iv: 'INTERVAL', j: 'JSON',
      jb: 'JSON', u: 'UUID', ba: 'BLOB', ia: 'INTEGER[]', ta: 'VARCHAR[]', tsa: 'TIMESTAMP WITH TIME ZONE[]', 'Mixed Case': 'VARCHAR',
    });
    const [full, empty] = await result.toArray();
    expect(full).toMatchObject({
      i2: 1, i4: 2, i8: 9007199254740993n, r: 1.5, d: 2.25, n: 123456789.123, nn: 1e30, b: true, t: 'hé "q", x', vc: 'abc',
      dt: new Date('2024-02-29T00:00:00Z'), ts: new Date('2024-01-02T03:04:05.123Z'), tstz: new Date('2024-01-02T01:04:05Z'),
      iv: { months: 0, days: 1, micros: 7_200_000_000n }, j: '{"a":[1,2]}', jb: '{"b": null}', u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      ia: [1, null, 3], ta: ['a,b', 'c"d', null], tsa: [new Date('2024-01-01T00:00:00Z')], 'Mixed Case': 'm',
    });
    expect([...(full.ba as Uint8Array)]).toEqual([1, 2, 255]);
    expect(Object.values(empty).every((v) => v === null)).toBe(true);
  });

  it('keeps empty strings, NULLs, \\N text and multi-line values apart, and loads empty tables', async () => {
    const expected = [
      { t: '', n: 1 },
      { t: null, n: 2 },
      { t: '\\N', n: 3 },
      { t: 'a,"b"\nc', n: 4 },
    ];
    expect(await (await runSql(session, 'SELECT * FROM pg.sqltest_pg.texts ORDER BY n')).toArray()).toEqual(expected);
    expect(await (await getConnection(session, 'pg').query('SELECT * FROM sqltest_pg.texts ORDER BY n')).toArray()).toEqual(expected);
    const empty = await runSql(session, 'SELECT * FROM pg.sqltest_pg.nothing');
    expect([empty.numRows, empty.columns]).toEqual([0, [{ name: 't', type: 'VARCHAR' }, { name: 'n', type: 'INTEGER' }]]);
  });

  it('lists tables and columns with source and DuckDB types', async () => {
    const connector = getConnection(session, 'pg');
    expect(await connector.tables()).toContainEqual({ schema: 'sqltest_pg', name: 'types', kind: 'table' });
    const columns = await connector.columns('sqltest_pg.types');
    expect(columns[0]).toEqual({ name: 'id', sourceType: 'integer', duckdbType: 'INTEGER', nullable: false, key: true });
    expect(columns.find((c) => c.name === 'tsa')).toMatchObject({ sourceType: 'timestamp with time zone[]', duckdbType: 'TIMESTAMPTZ[]' });
  });

  it('reads a 1M-row table into DuckDB and joins it with local data', async () => {
    const result = await runSql(session, 'SELECT count(*) AS n, sum(id) AS s, max(s) AS m FROM pg.sqltest_pg.big b JOIN range(1, 11) r(k) ON b.id % 10 = r.k % 10');
    expect(await result.toArray()).toEqual([{ n: 1_000_000n, s: 500000500000n, m: 'row 999999' }]);
  }, 120_000);

  it('loads only the columns a query reads, and every column when it cannot tell', async () => {
    // Read straight from DuckDB: a query through runSql would load the table again.
    const loaded = async () => {
      const { connection } = await embeddedDuckDB(session);
      const reader = await connection.runAndReadAll("SELECT column_name FROM duckdb_columns() WHERE database_name = 'pg' AND schema_name = 'sqltest_pg' AND table_name = 'types' ORDER BY column_index");
      return reader.getRows().map(([name]) => name);
    };
    const filtered = await runSql(session, `SELECT sum(i4) AS s FROM pg.sqltest_pg.types WHERE "Mixed Case" = 'm' AND b`);
    expect(await filtered.toArray()).toEqual([{ s: 2n }]);
    expect(await loaded()).toEqual(['i4', 'b', 'Mixed Case']);
    const joined = await runSql(session, 'SELECT t.id, x.t FROM pg.sqltest_pg.types t JOIN pg.sqltest_pg.texts x ON x.n = t.id ORDER BY 1');
    expect(await joined.toArray()).toEqual([{ id: 1, t: '' }, { id: 2, t: null }]);
    expect(await loaded()).toEqual(['id']);
    const counted = await runSql(session, 'SELECT count(*) AS n FROM pg.sqltest_pg.types');
    expect(await counted.toArray()).toEqual([{ n: 2n }]);
    expect(await loaded()).toEqual(['id']);
    // A parameter keeps DuckDB from planning ahead, and DESCRIBE scans nothing: all columns come.
    const bound = await runSql(session, 'SELECT id FROM pg.sqltest_pg.types WHERE id = $id', { id: 1 });
    expect(await bound.toArray()).toEqual([{ id: 1 }]);
    expect(await loaded()).toHaveLength(23);
    await runSql(session, 'SELECT i2 FROM pg.sqltest_pg.types');
    const described = await runSql(session, 'DESCRIBE pg.sqltest_pg.types');
    expect(described.numRows).toBe(23);
  });

  it('loads only the first rows for a preview (LIMIT without WHERE, ORDER or aggregates), and all rows otherwise', async () => {
    const loadedRows = async () => {
      const { connection } = await embeddedDuckDB(session);
      return Number((await connection.runAndReadAll('SELECT count(*) FROM pg.sqltest_pg.big')).getRows()[0][0]);
    };
    const preview = await runSql(session, 'SELECT * FROM pg.sqltest_pg.big LIMIT 10');
    expect(preview.numRows).toBe(10);
    expect(await loadedRows()).toBe(10);
    const offset = await runSql(session, 'SELECT id FROM pg.sqltest_pg.big b LIMIT 2 OFFSET 3');
    expect(await offset.toArray()).toEqual([{ id: 4 }, { id: 5 }]);
    expect(await loadedRows()).toBe(5);
    const counted = await runSql(session, 'SELECT count(*) AS n FROM pg.sqltest_pg.big LIMIT 1');
    expect(await counted.toArray()).toEqual([{ n: 1_000_000n }]);
    const filtered = await runSql(session, 'SELECT id FROM pg.sqltest_pg.big WHERE id > 999998 LIMIT 5');
    expect(await filtered.toArray()).toEqual([{ id: 999999 }, { id: 1000000 }]);
    const twice = await runSql(session, 'SELECT * FROM pg.sqltest_pg.big LIMIT 1; SELECT count(*) AS n FROM pg.sqltest_pg.big');
    expect(await twice.toArray()).toEqual([{ n: 1_000_000n }]);
  }, 120_000);

  it('sends --on queries to Postgres unchanged, with its own dialect and parameters', async () => {
    const connector = getConnection(session, 'pg');
    const result = await connector.query("SELECT $1::text || '!' AS shout, '{1,2}'::int[] AS arr, pg_typeof(1)::text AS t", ['hey']);
    expect(await result.toArray()).toEqual([{ shout: 'hey!', arr: [1, 2], t: 'integer' }]);
    const ddl = await connector.query('CREATE TEMP TABLE sqltest_tmp (a int)');
    expect(await ddl.toArray()).toEqual([{ command: 'CREATE' }]);
  });

  it('runs a --on script of several statements, and a $$-quoted body, returning the last rows', async () => {
    const connector = getConnection(session, 'pg');
    const script = `DROP TABLE IF EXISTS sqltest_pg.script; CREATE TABLE sqltest_pg.script (a int);
      DO $$ BEGIN INSERT INTO sqltest_pg.script VALUES (1); INSERT INTO sqltest_pg.script VALUES (2); END $$;
      SELECT sum(a) AS total, count(*) AS n FROM sqltest_pg.script`;
    expect(await (await connector.query(script)).toArray()).toEqual([{ total: 3n, n: 2n }]);
    expect(await (await connector.query('CREATE INDEX ON sqltest_pg.script (a); ANALYZE sqltest_pg.script')).toArray()).toEqual([{ command: 'ANALYZE' }]);
  });

  it('names a missing table clearly, with the source and a hint', async () => {
    const direct = await getConnection(session, 'pg').query('SELECT * FROM sqltest_pg.nope').catch((e) => e);
    expect(direct).toBeInstanceOf(DataKernelError);
    expect(direct.message).toMatch(/postgres:\/\/postgres@127\.0\.0\.1:5432\/test: relation "sqltest_pg.nope" does not exist/);
    expect(direct.message).toMatch(/LINE 1: SELECT \* FROM sqltest_pg.nope\n {22}\^/);
    expect(direct.hint).toMatch(/--tables/);
    const viaDuck = await runSql(session, 'SELECT * FROM pg.sqltest_pg.nope').catch((e) => e);
    expect(viaDuck.message).toMatch(/does not exist/);
  });

  it('gives the clients CDC opens (replication, control) errors naming the source with the password scrubbed out', async () => {
    // Trust auth takes any password, so one with a marker connects; the secret sits only in the client settings.
    const connector = (await connect(session, 'pgsecret', 'postgres://postgres:Hunter2-marker@127.0.0.1:5432/test')) as PostgresConnection;
    expect(JSON.stringify(connector.clientConfig())).toContain('Hunter2-marker');
    const error = connector.sourceError(new Error('replication failed: password Hunter2-marker refused'), 'START_REPLICATION');
    expect(error).toBeInstanceOf(DataKernelError);
    expect(error.message).toMatch(/^postgres:\/\/postgres:\*+@127\.0\.0\.1:5432\/test: replication failed: password \*+ refused/);
    expect(`${error.message} ${(error as DataKernelError).hint}`).not.toContain('Hunter2-marker');
    await disconnect(session, 'pgsecret');
  });

  it('reports a dropped connection and reconnects on the next query', async () => {
    const connector = getConnection(session, 'pg');
    const pidOf = async () => (await (await connector.query('SELECT pg_backend_pid() AS pid')).toArray())[0].pid;
    const before = await pidOf();
    await admin.query('SELECT pg_terminate_backend($1)', [before]);
    // Whether the next query meets the dead socket or the client noticed first, the user sees a clear error
    // or a fresh connection, never a hang or a crash.
    const error = await connector.query('SELECT 1 AS one').then(() => undefined, (e) => e);
    if (error !== undefined) {
      expect(error).toBeInstanceOf(DataKernelError);
      expect(error.hint).toMatch(/reconnect/);
    }
    const after = await pidOf();
    expect(after).not.toBe(before);
    expect(await (await runSql(session, 'SELECT count(*) AS n FROM pg.sqltest_pg.types')).toArray()).toEqual([{ n: 2n }]);
  });

  it('never shows the password: not in listings, not in errors', async () => {
    process.env.SQLTEST_PG_SECRET = 'hunter2-pg';
    const error = await connect(session, 'nouser', 'postgres://nobody_sqltest:${SQLTEST_PG_SECRET}@127.0.0.1:5432/test').catch((e) => e);
    expect(error).toBeInstanceOf(DataKernelError);
    expect(error.message).toContain('nobody_sqltest');
    expect(`${error.message} ${error.hint}`).not.toContain('hunter2');
    const ok = await connect(session, 'pgpw', 'postgres://postgres:env:SQLTEST_PG_SECRET@127.0.0.1:5432/test');
    expect(ok.displayUri).toBe('postgres://postgres:***@127.0.0.1:5432/test');
    expect(listConnections(session).map((c) => c.displayUri).join(' ')).not.toContain('hunter2');
    await disconnect(session, 'pgpw');
    expect(() => getConnection(session, 'pgpw')).toThrow(/Unknown connection: pgpw/);
  });
});
