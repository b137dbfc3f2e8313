import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect, getConnection } from '../../src/connectors/index.js';
import { DataKernelError, describeError } from '../../src/errors.js';
import { Session } from '../../src/session/session.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import { runSql } from '../../src/sql/index.js';
import { TestMagicContext } from '../helpers/magic-context.js';
import { CH_URI, chAdmin, distributedTable, dropDistributed, queryLog } from '../helpers/clickhouse.js';

const session = new Session(mkdtempSync(join(tmpdir(), 'dk-ch-')));
const TYPES = 'dk_ct_types';

const COLUMNS = `id UInt32, i8 Int8, u8 UInt8, i16 Int16, u16 UInt16, i32 Int32, u32 UInt32, i64 Int64, u64 UInt64,
  f32 Float32, f64 Float64, dec Decimal(12, 3), d Date, ts DateTime, tokyo DateTime('Asia/Tokyo'), s String,
  fs FixedString(4), u UUID, arr Array(Int32), sarr Array(Nullable(String)), n Nullable(Int32),
  lc LowCardinality(String), e Enum8('a' = 1, 'b' = 2), tup Tuple(UInt8, String)`;

beforeAll(async () => {
  await distributedTable(TYPES, COLUMNS, 'id', (shard) =>
    shard === 0
      ? `VALUES (1, -128, 255, -32768, 65535, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615,
          1.5, 2.25, 123456789.123, '2024-02-29', '2024-01-02 03:04:05', '2024-01-02 12:00:00', 'it''s \\t tab\\nnewline \\\\ é',
          'ab', '00000000-0000-0000-0000-000000000001', [1, -2], ['x\\'y', NULL], NULL, 'low', 'b', (7, 'seven'))`
      : `VALUES (2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '1970-01-01', '1970-01-01 00:00:00', '1970-01-01 09:00:00', '', '', '00000000-0000-0000-0000-000000000000', [], [], 5, '', 'a', (0, ''))`,
  );
  await connect(session, 'ch', CH_URI);
}, 60_000);

afterAll(async () => {
  await session.close();
  await dropDistributed(TYPES);
});

describe('clickhouse connector', () => {
  it('loads every type, from both shards of a Distributed table, into the right DuckDB types', async () => {
    const result = await getConnection(session, 'ch').query(`SELECT * FROM default.${TYPES} ORDER BY id`);
    expect(Object.fromEntries(result.columns.map((c) => [c.name, c.type]))).toEqual({
      id: 'UINTEGER', i8: 'TINYINT', u8: 'UTINYINT', i16: 'SMALLINT', u16: 'USMALLINT', i32: 'INTEGER', u32: 'UINTEGER', i64: 'BIGINT', u64: 'UBIGINT',
      f32: 'FLOAT', f64: 'DOUBLE', dec: 'DECIMAL(12,3)', d: 'DATE', ts: 'TIMESTAMP WITH TIME ZONE', tokyo: 'TIMESTAMP WITH TIME ZONE', s: 'VARCHAR',
      fs: 'VARCHAR', u: 'UUID', arr: 'INTEGER[]', sarr: 'VARCHAR[]', n: 'INTEGER', lc: 'VARCHAR', e: "ENUM('a', 'b')", tup: 'STRUCT("1" UTINYINT, "2" VARCHAR)',
    });
    const [first, second] = await result.toArray();
    expect(first).toEqual({
      id: 1, i8: -128, u8: 255, i16: -32768, u16: 65535, i32: -2147483648, u32: 4294967295, i64: -9223372036854775808n, u64: 18446744073709551615n,
      f32: 1.5, f64: 2.25, dec: 123456789.123, d: new Date('2024-02-29T00:00:00Z'), ts: new Date('2024-01-02T03:04:05Z'),
      tokyo: new Date('2024-01-02T03:00:00Z'), s: "it's \t tab\nnewline \\ é", fs: 'ab', u: '00000000-0000-0000-0000-000000000001',
      arr: [1, -2], sarr: ["x'y", null], n: null, lc: 'low', e: 'b', tup: { '1': 7, '2': 'seven' },
    });
    expect(second).toMatchObject({ id: 2, d: new Date('1970-01-01T00:00:00Z'), ts: new Date('1970-01-01T00:00:00Z'), tokyo: new Date('1970-01-01T00:00:00Z'), arr: [], n: 5, e: 'a' });
    const exact = await runSql(session, `SELECT dec::VARCHAR AS dec, u64::VARCHAR AS u64 FROM ${result.relation} WHERE id = 1`);
    expect(await exact.toArray()).toEqual([{ dec: '123456789.123', u64: '18446744073709551615' }]);
  });

  it('gives the same rows to DuckDB SQL naming ch.default.table, and lists tables and columns', async () => {
    const viaDuck = await runSql(session, `SELECT id, s, arr, tup FROM ch.default.${TYPES} ORDER BY id`);
    expect((await viaDuck.toArray())[0]).toEqual({ id: 1, s: "it's \t tab\nnewline \\ é", arr: [1, -2], tup: { '1': 7, '2': 'seven' } });
    const connector = getConnection(session, 'ch');
    expect(await connector.tables()).toContainEqual({ schema: 'default', name: TYPES, kind: 'table' });
    const columns = await connector.columns(`default.${TYPES}`);
    // The MergeTree table on each shard has the sorting key; the Distributed table over them has none.
    expect(columns[0]).toEqual({ name: 'id', sourceType: 'UInt32', duckdbType: 'UINTEGER', nullable: false });
    expect((await connector.columns(`default.${TYPES}_local`))[0]).toEqual({ name: 'id', sourceType: 'UInt32', duckdbType: 'UINTEGER', nullable: false, key: true });
    expect(columns.find((c) => c.name === 'n')).toEqual({ name: 'n', sourceType: 'Nullable(Int32)', duckdbType: 'INTEGER', nullable: true });
    await expect(connector.columns('default.no_such_table')).rejects.toThrow(/no table default\.no_such_table/);
    await expect(connector.columns(`default.${TYPES}.x`)).rejects.toThrow(/has 3 parts; a ClickHouse table is database\.table/);
  });

  it('fans a Distributed query out to both shards (seen in shard 2\'s own query_log)', async () => {
    const marker = `dk_fanout_${Date.now()}`;
    const result = await getConnection(session, 'ch').query(`SELECT count() AS n, '${marker}' AS m FROM default.${TYPES}`);
    expect(await result.toArray()).toEqual([{ n: 2n, m: marker }]);
    const remote = await queryLog(marker, 1);
    expect(remote.some((q) => q.is_initial_query === 0)).toBe(true);
  });

  it('binds parameters as values: injection strings come back unchanged and select nothing', async () => {
    const connector = getConnection(session, 'ch');
    const nasty = ["'; DROP TABLE default.dk_ct_types; --", "\\' OR 1=1 --", '\\', "\\'", 'nul\0byte', 'line\nbreak\ttab', '$x {p:String} ?', '💥 ü', "' UNION ALL SELECT 1 --"];
    for (const value of nasty) {
      const echoed = await connector.query('SELECT $v AS v, length($v) AS bytes', { v: value });
      expect(await echoed.toArray()).toEqual([{ v: value, bytes: BigInt(Buffer.byteLength(value)) }]);
      const matched = await connector.query(`SELECT count() AS n FROM default.${TYPES} WHERE s = $v OR lc = $v`, { v: value });
      expect(await matched.toArray()).toEqual([{ n: 0n }]);
    }
    const typed = await connector.query('SELECT $n AS n, $big AS big, $neg - $neg AS zero, $xs AS xs, $when AS w', { n: 1.5, big: 18446744073709551615n, neg: -3, xs: ['a', "b'"], when: new Date('2024-01-02T03:04:05Z') });
    expect(await typed.toArray()).toEqual([{ n: 1.5, big: 18446744073709551615n, zero: 0, xs: ['a', "b'"], w: new Date('2024-01-02T03:04:05Z') }]);
    expect(await (await connector.query(`SELECT count() AS n FROM default.${TYPES}`)).toArray()).toEqual([{ n: 2n }]);
  });

  it('%%sql --on binds $name from kernel variables and stores the result with -o', async () => {
    const ctx = new TestMagicContext(session);
    ctx.variables.set('who', "x' OR '1'='1");
    ctx.variables.set('limit', 1);
    const result = (await ctx.magic('sql', '--on ch -o picked', `SELECT id, $who AS who FROM default.${TYPES} WHERE s != $who ORDER BY id LIMIT $limit`)) as { toArray(): Promise<unknown[]> };
    expect(await result.toArray()).toEqual([{ id: 1, who: "x' OR '1'='1" }]);
    expect(ctx.variables.get('picked')).toBe(result);
    await expect(ctx.magic('sql', '--on ch', 'SELECT $nowhere')).rejects.toThrow(/No value for \$nowhere/);
  });

  it('reports a bad query with ClickHouse\'s message and the position marked', async () => {
    const sql = `SELECT id FROM default.${TYPES} WHERE`;
    const error = await getConnection(session, 'ch').query(sql).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataKernelError);
    const text = describeError(error);
    expect(text).toMatch(new RegExp(`ClickHouse error 62: Syntax error: failed at position ${sql.length + 1} \\(end of query\\)`));
    expect(text).toContain(`LINE 1: ${sql}\n${' '.repeat('LINE 1: '.length + sql.length)}^`);
    expect(text).toMatch(/Hint: Fix the SQL syntax/);
    const missing = await getConnection(session, 'ch').query('SELECT * FROM default.no_such_table').catch((e: unknown) => describeError(e));
    expect(missing).toMatch(/ClickHouse error 60: Table default.no_such_table doesn't exist[\s\S]*Hint: No such table/);
  });

  it('a query failing after rows were sent (HTTP 200 already given) fails, and loads nothing', async () => {
    const failed = await getConnection(session, 'ch')
      .query('SELECT number, throwIf(number = 250000) AS boom FROM numbers(300000) SETTINGS max_block_size = 1000')
      .catch((e: unknown) => describeError(e));
    expect(failed).toMatch(/ClickHouse error 395: Value passed to 'throwIf' function is non zero/);
  });

  it('runs a script of statements, and statements without rows say what ran', async () => {
    const connector = getConnection(session, 'ch');
    const created = await connector.query('DROP TABLE IF EXISTS default.dk_ct_script; CREATE TABLE default.dk_ct_script (a UInt8) ENGINE = Memory');
    expect(await created.toArray()).toEqual([{ command: 'CREATE' }]);
    const rows = await connector.query("INSERT INTO default.dk_ct_script VALUES (1), (2); SELECT sum(a) AS s FROM default.dk_ct_script; -- done");
    expect(await rows.toArray()).toEqual([{ s: 3n }]);
    await connector.query('DROP TABLE default.dk_ct_script');
    await expect(connector.query('SELECT 1 FORMAT JSON')).rejects.toThrow(/FORMAT clause/);
  });

  it('streams a 300k-row result in batches', async () => {
    const result = await getConnection(session, 'ch').query('SELECT number AS id, toString(number * 2) AS twice FROM numbers(300000)');
    expect(result.numRows).toBe(300_000);
    const sum = await runSql(session, `SELECT sum(id) AS s, max(twice::BIGINT) AS m FROM ${result.relation}`);
    expect(await sum.toArray()).toEqual([{ s: 44999850000n, m: 599998n }]);
  });

  it('loads a small plain result from one string: the same values as row by row, in the order sent', async () => {
    const { connection } = await embeddedDuckDB(session);
    const sent: string[] = [];
    const run = connection.run.bind(connection);
    const spy = vi.spyOn(connection, 'run').mockImplementation((sql, values) => (sent.push(sql), run(sql, values)));
    try {
      const ch = getConnection(session, 'ch');
      // Row 2 has no escapes or nulls in these columns (DateTime zones, Decimal, UUID, Enum, LowCardinality among them).
      const columns = 'id, i8, u8, i16, u16, i32, u32, i64, u64, f32, f64, dec, d, ts, tokyo, s, u, lc, e';
      const plain = await ch.query(`SELECT ${columns} FROM default.${TYPES} WHERE id = 2`);
      expect(sent.some((sql) => sql.includes('string_split($text'))).toBe(true);
      sent.length = 0;
      // A backslash makes the result not plain: it goes row by row through the loader.
      const escaped = await ch.query(`SELECT ${columns}, 'a\\\\b' AS marker FROM default.${TYPES} WHERE id = 2`);
      expect(sent.some((sql) => sql.includes('string_split($text'))).toBe(false);
      const [row] = await escaped.toArray();
      expect(row.marker).toBe('a\\b');
      delete row.marker;
      expect(await plain.toArray()).toEqual([row]);
      expect(plain.columns).toEqual(escaped.columns.slice(0, -1));

      sent.length = 0;
      const ordered = await ch.query('SELECT number AS n, toString(number * 3) AS s FROM numbers(50000) ORDER BY n DESC');
      expect(sent.some((sql) => sql.includes('string_split($text'))).toBe(true);
      expect(ordered.numRows).toBe(50_000);
      const check = await runSql(session, `SELECT count(*) FILTER (WHERE n <> 49999 - rowid OR s <> (n * 3)::VARCHAR) AS wrong, count(*) AS rows FROM ${ordered.relation}`);
      expect(await check.toArray()).toEqual([{ wrong: 0n, rows: 50000n }]);

      const empty = await ch.query('SELECT number AS n FROM numbers(10) WHERE n > 100');
      expect(empty.numRows).toBe(0);
      expect(empty.columns).toEqual([{ name: 'n', type: 'UBIGINT' }]);
    } finally {
      spy.mockRestore();
    }
  });

  it('a server that is down or a wrong password: a clear error naming the URI, password masked', async () => {
    const down = await connect(session, 'ch_down', 'clickhouse://dk_user:dk-secret-pw@127.0.0.1:8129/default').catch((e: unknown) => describeError(e));
    expect(down).toMatch(/^clickhouse:\/\/dk_user:\*\*\*@127\.0\.0\.1:8129\/default: .*ECONNREFUSED[\s\S]*Hint: Is the database server running/);
    expect(down).not.toContain('dk-secret-pw');
    const wrong = await connect(session, 'ch_wrong', 'clickhouse://dk_user:not-the-pw@127.0.0.1:8123/default').catch((e: unknown) => describeError(e));
    expect(wrong).toMatch(/clickhouse:\/\/dk_user:\*\*\*@127\.0\.0\.1:8123\/default: ClickHouse error 193: Wrong password[\s\S]*Hint: Check the user and password/);
    expect(wrong).not.toContain('not-the-pw');
    const right = await connect(session, 'ch_user', 'clickhouse://dk_user:dk-secret-pw@127.0.0.1:8123/default');
    expect(right.displayUri).toBe('clickhouse://dk_user:***@127.0.0.1:8123/default');
    expect(await (await right.query("SELECT user AS u FROM system.processes WHERE query LIKE '%dk_who_am_i%'")).toArray()).toEqual([{ u: 'dk_user' }]);
  });

  it('has the shards answering on their own ports (the cluster is real)', async () => {
    expect((await chAdmin("SELECT count() FROM system.clusters WHERE cluster = 'datakernel'", 1)).trim()).toBe('2');
  });
});
