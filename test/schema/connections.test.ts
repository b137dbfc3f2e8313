import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Connector } from '../../src/connectors/index.js';
import { comparableType, type SchemaDrift, type SchemaView } from '../../src/schema/index.js';
import { TestMagicContext } from '../helpers/magic-context.js';

const SOURCES = [
  {
    kind: 'Postgres',
    uri: 'postgres://postgres@127.0.0.1:5432/test',
    table: 'schemapg.public.schema_drift_t',
    setup: [
      'DROP TABLE IF EXISTS public.schema_drift_t',
      'CREATE TABLE public.schema_drift_t (id serial PRIMARY KEY, qty integer, price numeric(10,2) NOT NULL, code varchar(20), note text, flag boolean)',
      "INSERT INTO public.schema_drift_t (qty, price, code, note, flag) VALUES (1, 9.99, 'a', 'x', true), (2, 5.00, 'b', NULL, false)",
    ],
    alter: [
      'ALTER TABLE public.schema_drift_t ADD COLUMN extra integer',
      'ALTER TABLE public.schema_drift_t DROP COLUMN note',
      'ALTER TABLE public.schema_drift_t ALTER COLUMN qty TYPE bigint',
      'ALTER TABLE public.schema_drift_t ALTER COLUMN code TYPE varchar(10)',
      'ALTER TABLE public.schema_drift_t ALTER COLUMN price TYPE numeric(12,2)',
      'ALTER TABLE public.schema_drift_t ALTER COLUMN price DROP NOT NULL',
      'ALTER TABLE public.schema_drift_t ALTER COLUMN flag SET NOT NULL',
    ],
    types: { id: 'INTEGER', qty: 'INTEGER', price: 'DECIMAL(10,2)', code: 'VARCHAR(20)', note: 'VARCHAR', flag: 'BOOLEAN' },
  },
  {
    kind: 'MariaDB',
    uri: 'mysql://root@127.0.0.1:3306/test',
    table: 'schemamy.test.schema_drift_t',
    setup: [
      'DROP TABLE IF EXISTS schema_drift_t',
      'CREATE TABLE schema_drift_t (id int AUTO_INCREMENT PRIMARY KEY, qty int, price decimal(10,2) NOT NULL, code varchar(20), note text, flag tinyint)',
      "INSERT INTO schema_drift_t (qty, price, code, note, flag) VALUES (1, 9.99, 'a', 'x', 1), (2, 5.00, 'b', NULL, 0)",
    ],
    alter: [
      'ALTER TABLE schema_drift_t ADD COLUMN extra int',
      'ALTER TABLE schema_drift_t DROP COLUMN note',
      'ALTER TABLE schema_drift_t MODIFY qty bigint',
      'ALTER TABLE schema_drift_t MODIFY code varchar(10)',
      'ALTER TABLE schema_drift_t MODIFY price decimal(12,2) NULL',
      'ALTER TABLE schema_drift_t MODIFY flag tinyint NOT NULL',
    ],
    types: { id: 'INTEGER', qty: 'INTEGER', price: 'DECIMAL(10,2)', code: 'VARCHAR(20)', note: 'VARCHAR', flag: 'TINYINT' },
  },
];

describe.each(SOURCES)('schema drift of a $kind table', (source) => {
  const ctx = new TestMagicContext();
  let connector: Connector;
  const name = source.table.split('.')[0];

  beforeAll(async () => {
    connector = await connect(ctx.session, name, source.uri);
    for (const statement of source.setup) await connector.query(statement);
  });
  afterAll(async () => {
    await connector.query(source.setup[0]);
    await ctx.session.close();
  });

  it('reads types, nullability and the primary key from the source', async () => {
    const view = (await ctx.magic('schema', source.table)) as SchemaView;
    expect(view.kind).toBe('connection');
    expect(view.column('id')).toMatchObject({ key: 'primary', nullable: false, position: 1 });
    expect(view.column('price')).toMatchObject({ nullable: false });
    expect(view.column('qty')).toMatchObject({ nullable: true });
    expect(Object.fromEntries(view.columns.map((c) => [c.name, comparableType(c)]))).toEqual(source.types);
  });

  it('classifies add, drop, widen, narrow and nullability changes between snapshots', async () => {
    const snapshot = await ctx.magic('schema', `snapshot ${source.table}`);
    expect(snapshot).toMatchObject({ rowCount: 2 });
    for (const statement of source.alter) await connector.query(statement);
    const drift = (await ctx.magic('schema', `drift ${source.table}`)) as SchemaDrift;
    const changes = Object.fromEntries(drift.changes.map((c) => [`${c.kind} ${c.column}`, `${c.before ?? ''} -> ${c.after ?? ''} ${c.breaking ? 'BREAKING' : 'ok'}`]));
    expect(changes).toMatchObject({
      'added extra': ' -> INTEGER ok',
      'removed note': 'VARCHAR ->  BREAKING',
      'type qty': 'INTEGER -> BIGINT ok',
      'type code': 'VARCHAR(20) -> VARCHAR(10) BREAKING',
      'type price': 'DECIMAL(10,2) -> DECIMAL(12,2) ok',
      'nullability price': 'NOT NULL -> NULL ok',
      'nullability flag': 'NULL -> NOT NULL BREAKING',
    });
    expect(drift.breaking).toBe(true);
    expect(drift.before.fingerprint).not.toBe(drift.now.fingerprint);
  });
});
