import { DuckDBInstance } from '@duckdb/node-api';
import { expect, it } from 'vitest';
import { typeName } from '../../src/sql/type-name.js';

it('names every column type as DESCRIBE does, aliases (JSON) and nested types included', async () => {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`CREATE TYPE mood AS ENUM ('sad', 'ok')`);
  await connection.run(`CREATE TABLE t AS SELECT 1::TINYINT a, now() b, 1.5::DECIMAL(18,3) d, [1,2] e, {'x': 1, 'Mixed Case': 'a'} f,
    '"a"'::JSON g, ['{}'::JSON] g2, {'j': '1'::JSON} g3, MAP {'k': 1} h, 1::HUGEINT i, 'x'::BLOB j, uuid() k, INTERVAL 1 DAY l, 'ok'::mood m,
    [1,2]::INTEGER[2] n, 1::UBIGINT o, current_date q, current_time r, 1::FLOAT s, union_value(num := 2)::UNION(num INTEGER, str VARCHAR) u`);
  const described = (await connection.runAndReadAll('DESCRIBE t')).getRowObjectsJS().map((r) => String(r.column_type));
  const reader = await connection.runAndReadAll('SELECT * FROM t');
  expect(reader.columnTypes().map(typeName)).toEqual(described);
  connection.closeSync();
  instance.closeSync();
});
