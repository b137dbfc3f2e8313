import { describe, expect, it } from 'vitest';
import { format } from '../../src/display/format.js';
import { diffSchemas, type ColumnSchema, type TableSchema } from '../../src/schema/index.js';

const col = (position: number, name: string, duckdbType: string, extra: Partial<ColumnSchema> = {}): ColumnSchema => ({
  name,
  sourceType: duckdbType,
  duckdbType,
  nullable: true,
  position,
  ...extra,
});
const table = (target: string, columns: ColumnSchema[]): TableSchema => ({ target, kind: 'table', columns });

describe('diffSchemas', () => {
  it('finds nothing between equal schemas', () => {
    const a = table('a', [col(1, 'id', 'INTEGER'), col(2, 'name', 'VARCHAR')]);
    const diff = diffSchemas(a, { ...a, target: 'b' });
    expect(diff.identical).toBe(true);
    expect(diff.compatible).toBe(true);
    expect(diff.breaking).toBe(false);
  });

  it('classifies added, removed, widened, narrowed and nullability changes', () => {
    const before = table('v1', [col(1, 'id', 'INTEGER', { nullable: false }), col(2, 'qty', 'BIGINT'), col(3, 'price', 'DECIMAL(10,2)'), col(4, 'note', 'VARCHAR'), col(5, 'code', 'VARCHAR')]);
    const after = table('v2', [
      col(1, 'id', 'BIGINT', { nullable: false }),
      col(2, 'qty', 'INTEGER'),
      col(3, 'price', 'DECIMAL(12,2)'),
      col(4, 'code', 'VARCHAR', { nullable: false }),
      col(5, 'extra', 'DATE'),
      col(6, 'required_extra', 'INTEGER', { nullable: false }),
    ]);
    const diff = diffSchemas(before, after);
    const find = (kind: string, column: string) => diff.changes.find((c) => c.kind === kind && c.column === column);
    expect(find('type', 'id')).toMatchObject({ before: 'INTEGER', after: 'BIGINT', breaking: false });
    expect(find('type', 'qty')).toMatchObject({ breaking: true });
    expect(find('type', 'price')).toMatchObject({ breaking: false });
    expect(find('removed', 'note')).toMatchObject({ breaking: true });
    expect(find('nullability', 'code')).toMatchObject({ before: 'NULL', after: 'NOT NULL', breaking: true });
    expect(find('added', 'extra')).toMatchObject({ breaking: false });
    expect(find('added', 'required_extra')).toMatchObject({ breaking: true });
    expect(diff.breaking).toBe(true);
    expect(diff.compatible).toBe(false);
    expect(() => diff.failOn('breaking')).toThrow(/breaking/);
  });

  it('suggests a rename for a column replaced in place by one of a fitting type', () => {
    const diff = diffSchemas(table('a', [col(1, 'id', 'INTEGER'), col(2, 'cust_name', 'VARCHAR'), col(3, 'total', 'DOUBLE')]), table('b', [col(1, 'id', 'INTEGER'), col(2, 'customer_name', 'VARCHAR'), col(3, 'total', 'DOUBLE')]));
    expect(diff.changes).toHaveLength(1);
    expect(diff.changes[0]).toMatchObject({ kind: 'renamed', column: 'cust_name', renamedTo: 'customer_name', breaking: true });
  });

  it('reports only the columns that moved, and displays as a table', async () => {
    const diff = diffSchemas(table('a', [col(1, 'a', 'INTEGER'), col(2, 'b', 'INTEGER'), col(3, 'c', 'INTEGER')]), table('b', [col(1, 'c', 'INTEGER'), col(2, 'a', 'INTEGER'), col(3, 'b', 'INTEGER')]));
    expect(diff.changes.map((c) => `${c.kind} ${c.column}`)).toEqual(['moved c']);
    expect(diff.compatible).toBe(true);
    const text = (await format(diff))['text/plain'];
    expect(text).toContain('moved');
    expect(text).toContain('1 change, all compatible');
  });
});
