import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/connectors/index.js';
import { Session } from '../../src/session/session.js';
import { explainSql, runSql } from '../../src/sql/index.js';
import { previewSql } from '../../src/sql/query.js';
import { JUPYTER_DISPLAY } from '../../src/display/mime.js';
import { TestMagicContext } from '../helpers/magic-context.js';
import { CH_URI, chAdmin, distributedTable, dropDistributed, queryLog } from '../helpers/clickhouse.js';

const session = new Session(mkdtempSync(join(tmpdir(), 'dk-push-')));
const EVENTS = 'dk_pd_events';
const ROWS_PER_SHARD = 20_000;
let marker = 0;
/** A predicate that keeps every row and makes the query sent for it findable in system.query_log. */
const mark = () => `dk_mark_${Date.now()}_${++marker}`;

beforeAll(async () => {
  await distributedTable(EVENTS, 'id UInt64, user_id UInt32, kind String, amount Float64, day Date, note Nullable(String)', 'id', (shard) =>
    `SELECT number * 2 + ${shard}, number % 50, ['view', 'buy', 'cart'][number % 3 + 1], number % 1000, toDate('2024-01-01') + number % 30, if(number % 5 = 0, NULL, 'n') FROM numbers(${ROWS_PER_SHARD})`,
  );
  await connect(session, 'ch', CH_URI);
  await runSql(session, "CREATE TABLE users AS SELECT range::INTEGER AS user_id, 'user ' || range AS name, range % 2 = 0 AS vip FROM range(50)");
  // The reference: the whole remote table copied into DuckDB, every filter and aggregate run there.
  await runSql(session, `CREATE TABLE all_events AS SELECT * FROM ch.default.${EVENTS}`);
}, 60_000);

afterAll(async () => {
  await session.close();
  await dropDistributed(EVENTS);
});

const rows = async (sql: string) => (await runSql(session, sql)).toArray();

describe('pushdown to ClickHouse from DuckDB SQL', () => {
  it('sends the ClickHouse side\'s filters and columns of a join; only the matching rows move (system.query_log)', async () => {
    const m = mark();
    const where = `e.kind = 'buy' AND e.day >= DATE '2024-01-20' AND e.amount BETWEEN 100 AND 800.5 AND e.kind != '${m}' AND e.user_id IN (1, 2, 3, 4, 5, 6)`;
    const query = (from: string) => `SELECT u.name, count(*) AS n, sum(e.amount) AS total FROM ${from} e JOIN users u ON u.user_id = e.user_id WHERE ${where} AND u.vip GROUP BY u.name ORDER BY u.name`;
    const pushed = await rows(query(`ch.default.${EVENTS}`));
    expect(pushed).toEqual(await rows(query('all_events')));
    expect(pushed.length).toBeGreaterThan(0);
    const expected = Number((await rows(`SELECT count(*) AS n FROM all_events e WHERE ${where}`))[0].n);
    const [sent, ...others] = await queryLog(m, 0);
    expect(others).toEqual([]);
    expect(sent.query).toBe(
      `SELECT \`user_id\`, \`kind\`, \`amount\`, \`day\` FROM \`default\`.\`${EVENTS}\` WHERE (\`kind\` = 'buy') AND (\`day\` >= toDate('2024-01-20')) AND (\`amount\` BETWEEN 100 AND 800.5) AND (\`kind\` != '${m}') AND (\`user_id\` IN (1, 2, 3, 4, 5, 6))`,
    );
    expect(sent.result_rows).toBe(expected);
    expect(expected).toBeLessThan(ROWS_PER_SHARD / 10);
    // The Distributed table fanned the filtered query out: shard 2 ran its part with the filter.
    expect((await queryLog(m, 1)).some((q) => q.is_initial_query === 0 && q.query.includes(`${EVENTS}_local`) && q.query.includes("'buy'"))).toBe(true);
  });

  it('runs a single-table GROUP BY subquery on ClickHouse; the join gets its few rows, typed as DuckDB would type them', async () => {
    const m = mark();
    const inner = (from: string) => `SELECT user_id, sum(amount) AS total, count(*) AS n, max(day) AS last, count(DISTINCT kind) AS kinds FROM ${from} WHERE kind IN ('buy', 'cart') AND kind != '${m}' GROUP BY user_id`;
    const query = (from: string) => `SELECT u.name, t.total, t.n, t.last, t.kinds FROM (${inner(from)}) t JOIN users u USING (user_id) ORDER BY t.total DESC, u.name LIMIT 5`;
    const pushed = await runSql(session, query(`ch.default.${EVENTS}`));
    const reference = await runSql(session, query('all_events'));
    expect(pushed.columns).toEqual(reference.columns);
    expect(await pushed.toArray()).toEqual(await reference.toArray());
    const [sent] = await queryLog(m, 0);
    expect(sent.query).toBe(
      `SELECT \`user_id\` AS \`user_id\`, sum(\`amount\`) AS \`total\`, count() AS \`n\`, max(\`day\`) AS \`last\`, uniqExact(\`kind\`) AS \`kinds\` FROM \`default\`.\`${EVENTS}\` WHERE (\`kind\` IN ('buy', 'cart')) AND (\`kind\` != '${m}') GROUP BY \`user_id\``,
    );
    // Every row was read on the servers; 50 groups crossed the wire.
    expect(sent.read_rows).toBe(2 * ROWS_PER_SHARD);
    expect(sent.result_rows).toBe(50);
  });

  it('a CTE that is a GROUP BY goes to ClickHouse too', async () => {
    const m = mark();
    const query = (from: string) => `WITH per_day AS (SELECT day, count(*) AS n FROM ${from} WHERE kind != '${m}' GROUP BY day) SELECT count(*) AS days, sum(n) AS n FROM per_day`;
    expect(await rows(query(`ch.default.${EVENTS}`))).toEqual(await rows(query('all_events')));
    expect((await queryLog(m, 0))[0]).toMatchObject({ result_rows: 30 });
  });

  it('drops the table holding a pushed aggregate once the query ran: a query run in a loop leaves none behind', async () => {
    const tables = async () => Number((await rows("SELECT count(*) AS n FROM duckdb_tables() WHERE temporary AND table_name NOT LIKE '__dk_result%'"))[0].n);
    const before = await tables();
    const query = `SELECT count(*) AS days FROM (SELECT day, count(*) AS n FROM ch.default.${EVENTS} GROUP BY day)`;
    for (let i = 0; i < 5; i++) expect(await rows(query)).toEqual([{ days: 30n }]);
    await previewSql(session, query, undefined, 5);
    expect(await tables()).toBe(before);
  });

  it('keeps in DuckDB what it cannot push safely, and the answers stay right', async () => {
    const explain = async (sql: string) => (await explainSql(session, sql)).remote.map((r) => r.sql);
    // An outer join's nullable side with a NULL-accepting predicate: the filter stays in DuckDB.
    const outer = `SELECT u.user_id, e.id FROM users u LEFT JOIN ch.default.${EVENTS} e ON e.user_id = u.user_id AND e.id < 0 WHERE e.id IS NULL ORDER BY 1`;
    expect(await explain(outer)).toEqual([`SELECT \`id\`, \`user_id\` FROM \`default\`.\`${EVENTS}\``]);
    expect((await rows(outer)).length).toBe(50);
    // Functions, casts and nullable NOT IN are not translated; the sum over a nullable column is not pushed.
    const functions = `SELECT count(*) AS n FROM ch.default.${EVENTS} WHERE lower(kind) = 'buy' AND note NOT IN ('x') AND user_id > 10`;
    expect(await explain(functions)).toEqual([`SELECT \`user_id\`, \`kind\`, \`note\` FROM \`default\`.\`${EVENTS}\` WHERE (\`user_id\` > 10)`]);
    expect(await rows(functions)).toEqual(await rows(functions.replace(`ch.default.${EVENTS}`, 'all_events')));
    const nullable = `SELECT kind, max(note) AS m FROM ch.default.${EVENTS} GROUP BY kind ORDER BY kind`;
    expect((await explain(nullable))[0]).not.toMatch(/GROUP BY/);
    // Read twice in one query: neither use is narrowed.
    const twice = `SELECT count(*) AS n FROM ch.default.${EVENTS} a JOIN ch.default.${EVENTS} b ON a.id = b.id WHERE a.kind = 'buy'`;
    expect(await explain(twice)).toEqual([`SELECT \`id\`, \`kind\` FROM \`default\`.\`${EVENTS}\``]);
    expect(await rows(twice)).toEqual([{ n: BigInt(Math.ceil((2 * ROWS_PER_SHARD) / 3)) }]);
  });

  it('keeps a fractional bound on a Decimal column in DuckDB (ClickHouse cannot compare Decimal with Float64)', async () => {
    await chAdmin('DROP TABLE IF EXISTS default.dk_pd_money');
    await chAdmin('CREATE TABLE default.dk_pd_money (id UInt32, price Decimal(10, 2)) ENGINE = MergeTree ORDER BY id');
    await chAdmin('INSERT INTO default.dk_pd_money VALUES (1, 0.5), (2, 1.25), (3, 1.5), (4, 2)');
    try {
      const fractional = 'SELECT id FROM ch.default.dk_pd_money WHERE price > 1.25 ORDER BY id';
      expect(await rows(fractional)).toEqual([{ id: 3 }, { id: 4 }]);
      expect((await explainSql(session, fractional)).remote.map((r) => r.sql)).toEqual(['SELECT `id`, `price` FROM `default`.`dk_pd_money`']);
      const whole = 'SELECT id FROM ch.default.dk_pd_money WHERE price >= 2';
      expect(await rows(whole)).toEqual([{ id: 4 }]);
      expect((await explainSql(session, whole)).remote.map((r) => r.sql)).toEqual(['SELECT `id`, `price` FROM `default`.`dk_pd_money` WHERE (`price` >= 2)']);
    } finally {
      await chAdmin('DROP TABLE IF EXISTS default.dk_pd_money');
    }
  });

  it('%%sql --explain shows the SQL sent to ClickHouse and DuckDB\'s plan, and runs nothing remote', async () => {
    const ctx = new TestMagicContext(session);
    const m = mark();
    const tables = "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '__dk_push_%' ORDER BY 1";
    const before = await rows(tables);
    const result = await ctx.magic('sql', '--explain', `SELECT u.name, t.n FROM (SELECT user_id, count(*) AS n FROM ch.default.${EVENTS} WHERE kind != '${m}' GROUP BY user_id) t JOIN users u USING (user_id)`);
    const shown = String((result as Record<symbol, () => Record<string, unknown>>)[JUPYTER_DISPLAY]()['text/plain']);
    expect(shown).toContain(`-- on ch\nSELECT \`user_id\` AS \`user_id\`, count() AS \`n\` FROM \`default\`.\`${EVENTS}\` WHERE (\`kind\` != '${m}') GROUP BY \`user_id\``);
    expect(shown).toMatch(/Run in DuckDB:[\s\S]*__dk_push_[\s\S]*HASH_JOIN/);
    expect(await queryLog(m, 0)).toEqual([]);
    // The empty stand-ins it planned over are gone: an explain leaves no table behind.
    expect(await rows(tables)).toEqual(before);
  });
});
