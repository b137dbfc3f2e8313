/*
 * Connector faults on real Postgres and MariaDB: wrong and missing passwords (a password-protected faults_user;
 * Postgres needs the pg_hba line .ci/install-deps.sh adds), unreachable servers, unknown databases, bad SQL,
 * a connection killed and a database dropped while a query runs. The rows of faults_orders on both servers
 * must not change; the planted passwords must show nowhere.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { FaultCase, FaultGroup } from '../harness/fault-case.js';
import { openKernelGroup, type KernelGroupFixture } from '../harness/kernel-group.js';
import { SECRETS } from '../harness/secrets.js';

interface ConnectorsFixture extends KernelGroupFixture {
  pgAdmin: pg.Client;
  myAdmin: mysql.Connection;
}
type Case = FaultCase<ConnectorsFixture>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const PG = (db = 'test', password = '${FAULTS_PASSWORD}') => `postgres://faults_user:${password}@127.0.0.1:5432/${db}`;
const MY = (db = 'test', password = '${FAULTS_PASSWORD}') => `mysql://faults_user:${password}@127.0.0.1:3306/${db}`;

/** Runs `code` in the kernel and, `afterMs` into it, `fault` from outside; returns the cell's observation. */
async function midQuery(f: ConnectorsFixture, code: string, afterMs: number, fault: () => Promise<unknown>): Promise<string> {
  const cell = f.kernel.observe(code);
  await sleep(afterMs);
  await fault();
  return cell;
}

const pgBackends = async (f: ConnectorsFixture, db: string) =>
  (await f.pgAdmin.query("SELECT pid FROM pg_stat_activity WHERE usename = 'faults_user' AND datname = $1 AND query LIKE '%pg_sleep%' AND state = 'active'", [db])).rows.map((r) => r.pid as number);

const cases: Case[] = [
  {
    name: 'Postgres: wrong password (from ${VAR})',
    expected: 'authentication failed for faults_user, a hint on passing passwords; no password shown',
    match: /^\[error\][\s\S]*password authentication failed for user "faults_user"[\s\S]*Hint: Check the user and password/,
    run: (f) => f.kernel.observe(`%connect pgwrong ${PG('test', '${FAULTS_WRONG_PASSWORD}')}`),
  },
  {
    name: 'Postgres: wrong password typed at --password',
    expected: 'authentication failed; the typed password shown nowhere',
    match: /^\[error\][\s\S]*password authentication failed for user "faults_user"/,
    run: (f) => f.kernel.observe('%connect pgtyped postgres://faults_user@127.0.0.1:5432/test --password', { answers: [SECRETS.typed] }),
  },
  {
    name: 'Postgres: ${VAR} naming an unset variable',
    expected: 'names the variable that is not set and how to set it',
    match: /^\[error\][\s\S]*FAULTS_NOT_SET/,
    run: (f) => f.kernel.observe(`%connect pgunset ${PG('test', '${FAULTS_NOT_SET}')}`),
  },
  {
    name: 'Postgres: nothing listening on the port',
    expected: 'connection refused, with "is the server running" hint',
    match: /^\[error\][\s\S]*ECONNREFUSED[\s\S]*Hint: Is the database server running/,
    run: (f) => f.kernel.observe('%connect pgdown postgres://faults_user:${FAULTS_PASSWORD}@127.0.0.1:1/test'),
  },
  {
    name: 'Postgres: unknown database',
    expected: 'database does not exist, hint to check the URI',
    match: /^\[error\][\s\S]*database "faults_nosuchdb" does not exist[\s\S]*Hint: The database does not exist/,
    run: (f) => f.kernel.observe(`%connect pgnodb ${PG('faults_nosuchdb')}`),
  },
  {
    name: 'Postgres: bad SQL on the source',
    expected: 'the syntax error with a caret, hint on the dialect',
    match: /^\[error\][\s\S]*syntax error at or near "FORM"[\s\S]*\^[\s\S]*Hint: Fix the SQL syntax/,
    run: (f) => f.kernel.observe('%%sql --on pg\nSELECT * FORM faults_orders'),
  },
  {
    name: 'Postgres: unknown table on the source',
    expected: 'relation does not exist, hint to list tables',
    match: /^\[error\][\s\S]*relation "faults_nosuch" does not exist[\s\S]*--tables/,
    run: (f) => f.kernel.observe('%%sql --on pg\nSELECT * FROM faults_nosuch'),
  },
  {
    name: 'Postgres: the connection is killed mid-query',
    expected: 'an error saying the server closed the connection and to run again; the next query reconnects',
    match: /^\[error\][\s\S]*(terminat|connection)[\s\S]*\nnext: \[ok\][\s\S]*3/i,
    run: async (f) => {
      const observed = await midQuery(f, '%%sql --on pg\nSELECT pg_sleep(10)', 700, async () => {
        for (const pid of await pgBackends(f, 'test')) await f.pgAdmin.query('SELECT pg_terminate_backend($1)', [pid]);
      });
      return `${observed}\nnext: ${await f.kernel.observe('%%sql --on pg\nSELECT count(*) AS n FROM faults_orders')}`;
    },
  },
  {
    name: 'Postgres: the database is dropped mid-query',
    expected: 'an error for the lost connection, then "database does not exist" on the next query',
    match: /^\[error\][\s\S]*(terminat|connection)[\s\S]*\nnext: \[error\][\s\S]*database "faults_dropme" does not exist/i,
    run: async (f) => {
      await f.pgAdmin.query('DROP DATABASE IF EXISTS faults_dropme WITH (FORCE)');
      await f.pgAdmin.query('CREATE DATABASE faults_dropme OWNER faults_user');
      const connected = await f.kernel.observe(`%connect pgdrop ${PG('faults_dropme')}`);
      if (!connected.startsWith('[ok]')) return connected;
      const observed = await midQuery(f, '%%sql --on pgdrop\nSELECT pg_sleep(10)', 700, () => f.pgAdmin.query('DROP DATABASE faults_dropme WITH (FORCE)'));
      return `${observed}\nnext: ${await f.kernel.observe('%%sql --on pgdrop\nSELECT 1')}`;
    },
  },
  {
    name: 'MariaDB: wrong password',
    expected: 'access denied for faults_user, hint on passing passwords; no password shown',
    match: /^\[error\][\s\S]*Access denied for user 'faults_user'[\s\S]*Hint: Check the user and password/,
    run: (f) => f.kernel.observe(`%connect mywrong ${MY('test', '${FAULTS_WRONG_PASSWORD}')}`),
  },
  {
    name: 'MariaDB: unknown database',
    expected: 'unknown database, hint to check the URI',
    match: /^\[error\][\s\S]*(Unknown database|Access denied)[\s\S]*faults_nosuchdb[\s\S]*Hint: The (user may not use that database|database does not exist)/,
    run: (f) => f.kernel.observe(`%connect mynodb ${MY('faults_nosuchdb')}`),
  },
  {
    name: 'MariaDB: bad SQL on the source',
    expected: 'the syntax error, hint on the dialect',
    match: /^\[error\][\s\S]*(SQL syntax|syntax)[\s\S]*Hint: Fix the SQL syntax/,
    run: (f) => f.kernel.observe('%%sql --on my\nSELECT * FORM faults_orders'),
  },
  {
    name: 'MariaDB: the connection is killed mid-query',
    expected: 'an error saying the connection was lost and to run again; the next query reconnects',
    match: /^\[error\][\s\S]*(lost|closed|killed|gone away|interrupted)[\s\S]*\nnext: \[ok\][\s\S]*3/i,
    run: async (f) => {
      const observed = await midQuery(f, '%%sql --on my\nSELECT SLEEP(10)', 700, async () => {
        const [rows] = await f.myAdmin.query("SELECT id FROM information_schema.processlist WHERE user = 'faults_user' AND id <> CONNECTION_ID() AND info LIKE '%SLEEP(10)%'");
        for (const row of rows as Array<{ id: number }>) await f.myAdmin.query(`KILL ${Number(row.id)}`);
      });
      return `${observed}\nnext: ${await f.kernel.observe('%%sql --on my\nSELECT count(*) AS n FROM faults_orders')}`;
    },
  },
  {
    name: 'MariaDB: the database is dropped mid-query',
    expected: 'the running query ends or fails clearly; the next one says the database is unknown',
    match: /\nnext: \[error\][\s\S]*(Unknown database|doesn't exist)[\s\S]*faults_dropme/i,
    run: async (f) => {
      await f.myAdmin.query('DROP DATABASE IF EXISTS faults_dropme');
      await f.myAdmin.query('CREATE DATABASE faults_dropme');
      await f.myAdmin.query('CREATE TABLE faults_dropme.t (id int)');
      await f.myAdmin.query("GRANT ALL ON faults_dropme.* TO 'faults_user'@'%'");
      const connected = await f.kernel.observe(`%connect mydrop ${MY('faults_dropme')}`);
      if (!connected.startsWith('[ok]')) return connected;
      const observed = await midQuery(f, '%%sql --on mydrop\nSELECT SLEEP(2)', 500, () => f.myAdmin.query('DROP DATABASE faults_dropme'));
      return `${observed}\nnext: ${await f.kernel.observe('%%sql --on mydrop\nSELECT * FROM t')}`;
    },
  },
  {
    name: 'Postgres table in DuckDB SQL with a typo',
    expected: 'names the missing table, hint to list tables',
    match: /^\[error\][\s\S]*faults_ordrs[\s\S]*(--tables|SHOW ALL TABLES)/,
    run: (f) => f.kernel.observe('%sql SELECT * FROM pg.public.faults_ordrs'),
  },
];

async function prepareServers(): Promise<{ pgAdmin: pg.Client; myAdmin: mysql.Connection }> {
  const pgAdmin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await pgAdmin.connect();
  await pgAdmin.query(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'faults_user') THEN CREATE ROLE faults_user LOGIN CREATEDB; END IF; END $$`);
  // The password is a fresh secret per run: a literal here is the test's own DDL, not a cell's text.
  await pgAdmin.query(`ALTER ROLE faults_user WITH LOGIN PASSWORD '${SECRETS.password}'`);
  await pgAdmin.query('DROP TABLE IF EXISTS faults_orders');
  await pgAdmin.query('CREATE TABLE faults_orders (id int PRIMARY KEY, amount numeric(10,2))');
  await pgAdmin.query('INSERT INTO faults_orders VALUES (1, 9.5), (2, 20), (3, 31.25)');
  await pgAdmin.query('GRANT ALL ON faults_orders TO faults_user');
  const myAdmin = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test' });
  await myAdmin.query(`CREATE USER IF NOT EXISTS 'faults_user'@'%' IDENTIFIED BY '${SECRETS.password}'`);
  await myAdmin.query(`ALTER USER 'faults_user'@'%' IDENTIFIED BY '${SECRETS.password}'`);
  await myAdmin.query(`CREATE USER IF NOT EXISTS 'faults_user'@'localhost' IDENTIFIED BY '${SECRETS.password}'`);
  await myAdmin.query(`ALTER USER 'faults_user'@'localhost' IDENTIFIED BY '${SECRETS.password}'`);
  await myAdmin.query('DROP TABLE IF EXISTS faults_orders');
  await myAdmin.query('CREATE TABLE faults_orders (id int PRIMARY KEY, amount decimal(10,2))');
  await myAdmin.query('INSERT INTO faults_orders VALUES (1, 9.5), (2, 20), (3, 31.25)');
  for (const host of ['%', 'localhost']) await myAdmin.query(`GRANT ALL ON test.* TO 'faults_user'@'${host}'`);
  return { pgAdmin, myAdmin };
}

export const connectorFaults: FaultGroup<ConnectorsFixture> = {
  name: 'connectors',
  open: async () => {
    const admins = await prepareServers();
    const digest = async () => {
      const pgRows = await admins.pgAdmin.query("SELECT string_agg(id || ':' || amount, ',' ORDER BY id) AS d FROM faults_orders");
      const [myRows] = await admins.myAdmin.query("SELECT GROUP_CONCAT(id, ':', amount ORDER BY id) AS d FROM faults_orders");
      return `${pgRows.rows[0].d}|${(myRows as Array<{ d: string }>)[0].d}`;
    };
    const fixture = await openKernelGroup({ setup: [`%connect pg ${PG()}`, `%connect my ${MY()}`], extraDigest: digest });
    const connectionsWork = async () =>
      /\b3\b/.test((await fixture.kernel.run('%%sql --on pg\nSELECT count(*) AS n FROM faults_orders')).text) &&
      /\b3\b/.test((await fixture.kernel.run('%%sql --on my\nSELECT count(*) AS n FROM faults_orders')).text);
    return {
      ...fixture,
      ...admins,
      stateIntact: async () => (await fixture.stateIntact()) && (await connectionsWork()),
      close: async () => {
        await fixture.close();
        await admins.pgAdmin.query('DROP DATABASE IF EXISTS faults_dropme WITH (FORCE)').catch(() => undefined);
        await admins.myAdmin.query('DROP DATABASE IF EXISTS faults_dropme').catch(() => undefined);
        await admins.pgAdmin.end();
        await admins.myAdmin.end();
      },
    };
  },
  cases,
};
