import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { format } from '../../../src/display/format.js';
import type { SchemaDiff, SchemaDrift, SchemaHistory, SchemaView } from '../../../src/schema/index.js';
import { embeddedDuckDB } from '../../../src/sql/duckdb.js';
import { runSql } from '../../../src/sql/query.js';
import { TestMagicContext } from '../../helpers/magic-context.js';

const text = async (value: unknown) => (await format(value))['text/plain'] as string;

describe('%schema on the embedded DuckDB and files', () => {
  const ctx = new TestMagicContext();
  const run = async (sql: string) => (await embeddedDuckDB(ctx.session)).connection.run(sql);

  beforeAll(async () => {
    await run(`CREATE TABLE schema_orders (id INTEGER PRIMARY KEY, customer VARCHAR NOT NULL, amount DECIMAL(10,2), placed DATE)`);
    await run(`INSERT INTO schema_orders VALUES (1, 'ann', 10.50, DATE '2024-01-01'), (2, 'bob', NULL, DATE '2024-01-02')`);
  });
  afterAll(() => ctx.session.close());

  it('shows columns with DuckDB type, nullability and key', async () => {
    const view = (await ctx.magic('schema', 'schema_orders')) as SchemaView;
    expect(view.columns.map((c) => [c.name, c.duckdbType, c.nullable, c.key])).toEqual([
      ['id', 'INTEGER', false, 'primary'],
      ['customer', 'VARCHAR', false, undefined],
      ['amount', 'DECIMAL(10,2)', true, undefined],
      ['placed', 'DATE', true, undefined],
    ]);
    expect(await text(view)).toMatch(/schema_orders \(table\): 4 columns/);
  });

  it('reads the schema of a Parquet file written from the table, and diffs the two', async () => {
    const file = join(ctx.session.projectDir, 'orders.parquet');
    await run(`COPY (SELECT id::BIGINT AS id, customer, placed FROM schema_orders) TO '${file}' (FORMAT parquet)`);
    const view = (await ctx.magic('schema', 'show orders.parquet')) as SchemaView;
    expect(view.kind).toBe('file');
    expect(view.target).toBe('orders.parquet');
    const diff = (await ctx.magic('schema', 'diff schema_orders orders.parquet')) as SchemaDiff;
    expect(diff.changes.find((c) => c.column === 'id' && c.kind === 'type')).toMatchObject({ before: 'INTEGER', after: 'BIGINT', breaking: false });
    expect(diff.changes.find((c) => c.column === 'amount')).toMatchObject({ kind: 'removed', breaking: true });
    expect(diff.breaking).toBe(true);
    await expect(ctx.magic('schema', 'diff schema_orders orders.parquet --fail-on breaking')).rejects.toThrow(/removed amount/);
    await expect(ctx.magic('schema', 'diff schema_orders orders.parquet --fail-on nonsense')).rejects.toThrow(/--fail-on must be/);
  });

  it('snapshots, then reports drift with times and keeps the history', async () => {
    const snap = await ctx.magic('schema', 'snapshot schema_orders');
    expect(await text(snap)).toMatch(/Snapshot of schema_orders at .*: 4 columns, 2 rows, fingerprint [0-9a-f]{16}/);
    const unchanged = (await ctx.magic('schema', 'drift schema_orders')) as SchemaDrift;
    expect(unchanged.drifted).toBe(false);
    await run(`ALTER TABLE schema_orders ADD COLUMN note VARCHAR`);
    await run(`ALTER TABLE schema_orders ALTER amount TYPE DECIMAL(12,2)`);
    await run(`ALTER TABLE schema_orders DROP COLUMN placed`);
    const drift = (await ctx.magic('schema', 'drift schema_orders')) as SchemaDrift;
    expect(drift.drifted).toBe(true);
    expect(drift.changes.map((c) => `${c.kind} ${c.column} ${c.breaking}`).sort()).toEqual(['added note false', 'removed placed true', 'type amount false']);
    expect(drift.summary()).toMatch(/since snapshot at \d{4}-\d\d-\d\d .* ago\): 3 changes \(1 breaking\)/);
    await expect(ctx.magic('schema', 'drift schema_orders --fail-on breaking')).rejects.toThrow(/Schema drift of schema_orders/);
    await ctx.magic('schema', 'snapshot schema_orders');
    const history = (await ctx.magic('schema', 'history schema_orders')) as SchemaHistory;
    expect(await text(history)).toMatch(/2 snapshots[\s\S]*BREAKING: removed placed/);
    expect(history.entries[1].changes).toEqual(['removed placed', 'type of amount: DECIMAL(10,2) -> DECIMAL(12,2)', 'added note VARCHAR']);
  });

  it('explains a drift without a snapshot and a target that does not exist', async () => {
    await run(`CREATE TABLE schema_fresh (a INTEGER)`);
    await expect(ctx.magic('schema', 'drift schema_fresh')).rejects.toThrow(/No snapshot of schema_fresh yet/);
    await expect(ctx.magic('schema', 'no_such_table_anywhere')).rejects.toThrow(/No table, view, file, connection table or variable/);
    await expect(ctx.magic('schema', 'diff only_one')).rejects.toThrow(/takes two targets/);
  });

  it('reads the schema of variables holding records or a query result', async () => {
    ctx.variables.set('schema_rows', [{ a: 1, b: 'x' }, { a: 2, b: 'y' }]);
    const view = (await ctx.magic('schema', 'schema_rows')) as SchemaView;
    expect(view.columns.map((c) => `${c.name} ${c.duckdbType}`)).toEqual(['a BIGINT', 'b VARCHAR']);
    ctx.variables.set('schema_result', await runSql(ctx.session, 'SELECT 1::TINYINT AS t, DATE \'2024-01-01\' AS d'));
    const result = (await ctx.magic('schema', 'schema_result')) as SchemaView;
    expect(result).toMatchObject({ target: 'schema_result', kind: 'result' });
    expect(result.columns.map((c) => `${c.name} ${c.duckdbType}`)).toEqual(['t TINYINT', 'd DATE']);
  });

  it('writes a starter contract that the table then passes', async () => {
    const result = await ctx.magic('schema', 'contract schema_orders --out contracts/orders.yaml');
    expect(await text(result)).toMatch(/Wrote contracts\/orders.yaml/);
    await expect(ctx.magic('schema', 'contract schema_orders --out contracts/orders.yaml')).rejects.toThrow(/exists/);
    const report = (await ctx.magic('schema', 'check schema_orders --contract contracts/orders.yaml')) as { passed: boolean; results: Array<{ name: string; status: string }> };
    expect(report.results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(report.results.map((r) => r.name)).toEqual(expect.arrayContaining(['exists', 'physicalType', 'required', 'primaryKey unique', 'rowCount']));
    writeFileSync(join(ctx.session.projectDir, 'bad.yaml'), 'apiVersion: v3.0.2\nkind: DataContract\nid: x\nversion: 1.0.0\nstatus: draft\nschema:\n  - name: t\n    propertees: []\n');
    await expect(ctx.magic('schema', 'check schema_orders --contract bad.yaml')).rejects.toThrow(/bad.yaml:8:5: unknown key "propertees" in contract.schema\["t"\] \(did you mean "properties"\?\)/);
  });
});
