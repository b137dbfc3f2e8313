import { describe, expect, it } from 'vitest';
import { hasParameters, isDottedName, nameParts, splitStatements, tableReferences } from '../../src/sql/sql-text.js';

describe('splitStatements', () => {
  it('splits at semicolons outside strings, identifiers, comments and dollar quotes', () => {
    expect(splitStatements("select 1; select ';' as \"a;b\" -- ;\n; /* ; */ select $$x;y$$;;")).toEqual([
      'select 1',
      "select ';' as \"a;b\" -- ;",
      '/* ; */ select $$x;y$$',
    ]);
  });
  it('drops statements that are only comments', () => {
    expect(splitStatements('-- nothing\n;select 2')).toEqual(['select 2']);
  });
});

describe('tableReferences', () => {
  const names = (sql: string) => tableReferences(sql).map((r) => r.parts.join('.'));
  it('finds names after FROM, JOIN and FROM-list commas, with quoted parts unquoted', () => {
    expect(names('select * from pg.public.t a join "my db".x."Y" b on a.id = b.id, df where x in (select 1 from other)')).toEqual([
      'pg.public.t',
      'my db.x.Y',
      'df',
      'other',
    ]);
  });
  it('skips table functions, subqueries and names inside strings', () => {
    expect(names("with q as (select * from df) select * from q, read_parquet('x.parquet') p, (select 1) s where y = 'from z'")).toEqual(['df', 'q']);
  });
  it('stops the FROM list at WHERE/GROUP BY so later commas are not tables', () => {
    expect(names('select a, b from t where a in (1, 2) group by a, b order by a, b')).toEqual(['t']);
  });
  it('keeps the written form for the source to resolve', () => {
    expect(tableReferences('select * from pg.public."My Table"')[0].source).toEqual(['pg', 'public', '"My Table"']);
    expect(nameParts('public."My Table"')).toEqual([
      { name: 'public', quoted: false },
      { name: 'My Table', quoted: true },
    ]);
  });
});

describe('nameParts', () => {
  it('reads bare, "double" and `back` quoted parts, with doubled quotes inside', () => {
    expect(nameParts(' ch . `my``db` . "a""b.c" ').map((p) => [p.name, p.quoted])).toEqual([
      ['ch', false],
      ['my`db', true],
      ['a"b.c', true],
    ]);
    expect(nameParts('db.2024_events').map((p) => p.name)).toEqual(['db', '2024_events']);
  });
  it('refuses text a loose reading would take for another table, saying where it stops and how to quote', () => {
    expect(() => nameParts('db.my-table')).toThrow(/"db\.my-table", which is not a dotted name \(it stops at "my-table"\)/);
    expect(() => nameParts('a b')).toThrow(/not a dotted name/);
    expect(() => nameParts('db.')).toThrow(/not a dotted name/);
    expect(() => nameParts("t WHERE 1 = 1; DROP TABLE x")).toThrow(/not a dotted name/);
    expect(() => nameParts('')).toThrow(/an empty name/);
    expect(isDottedName('pg.public."My Table"')).toBe(true);
    expect(isDottedName('data/2024-01')).toBe(false);
  });
});

describe('tableReferences of DESCRIBE, SUMMARIZE and SHOW', () => {
  it('finds the table they name, and no table in SHOW TABLES or DESCRIBE SELECT', () => {
    const names = (sql: string) => tableReferences(sql).map((r) => r.parts.join('.'));
    expect(names('DESCRIBE pg.public.orders')).toEqual(['pg.public.orders']);
    expect(names('SUMMARIZE df; SHOW "My Table"')).toEqual(['df', 'My Table']);
    expect(names('SHOW TABLES; SHOW ALL TABLES; DESCRIBE SELECT 1 AS a')).toEqual([]);
  });
});

describe('hasParameters', () => {
  it('sees $name, $1 and ? outside strings, identifiers and comments', () => {
    expect(hasParameters('SELECT * FROM t WHERE a = $min')).toBe(true);
    expect(hasParameters('SELECT $1, $2')).toBe(true);
    expect(hasParameters('SELECT * FROM t WHERE a = ?')).toBe(true);
    expect(hasParameters(`SELECT '$min ?' AS "a?$b" -- $c ?\nFROM t /* $d */`)).toBe(false);
    expect(hasParameters('SELECT $$ $x ? $$ AS body')).toBe(false);
  });
});
