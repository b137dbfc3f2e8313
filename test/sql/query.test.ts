import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays } from 'apache-arrow';
import { setFlagsFromString } from 'node:v8';
import { inspect } from 'node:util';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { DataKernelError } from '../../src/errors.js';
import { Session } from '../../src/session/session.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import { QueryResult, runSql, setDisplayLimit } from '../../src/sql/index.js';
import { KEPT_ROWS } from '../../src/sql/result.js';

const session = new Session(mkdtempSync(join(tmpdir(), 'dk-sql-')));
afterAll(() => session.close());

const scope = (vars: Record<string, unknown>) => ({ has: (n: string) => Object.hasOwn(vars, n), get: (n: string) => vars[n] });

describe('runSql', () => {
  it('runs several statements and returns the last result with its types', async () => {
    const result = await runSql(session, 'CREATE TABLE sql_q1 AS SELECT range AS i FROM range(5); SELECT i, i * 1.5 AS x, i::VARCHAR AS s FROM sql_q1 ORDER BY i');
    expect(result).toBeInstanceOf(QueryResult);
    expect(result.numRows).toBe(5);
    expect(result.columns).toEqual([
      { name: 'i', type: 'BIGINT' },
      { name: 'x', type: 'DECIMAL(21,1)' },
      { name: 's', type: 'VARCHAR' },
    ]);
    expect(await result.toArray(2)).toEqual([
      { i: 0n, x: 0, s: '0' },
      { i: 1n, x: 1.5, s: '1' },
    ]);
    expect(await result.column('s')).toEqual(['0', '1', '2', '3', '4']);
  });

  it('binds $name from params, then from variables, and never splices it into the SQL', async () => {
    const evil = "x'; DROP TABLE sql_victim; --";
    await runSql(session, 'CREATE TABLE sql_victim AS SELECT 1 AS a');
    const result = await runSql(session, "SELECT $evil AS v, '$evil' AS literal, $n + 1 AS n", { n: 41 }, { variables: scope({ evil }) });
    expect(await result.toArray()).toEqual([{ v: evil, literal: '$evil', n: 42 }]);
    expect((await runSql(session, 'SELECT count(*) AS c FROM sql_victim')).numRows).toBe(1);
    const byPosition = await runSql(session, 'SELECT $1 AS a, $2 AS b', ['x', new Date('2024-01-02T03:04:05Z')]);
    expect(await byPosition.toArray()).toEqual([{ a: 'x', b: new Date('2024-01-02T03:04:05Z') }]);
  });

  it('names a missing $variable in a DataKernelError', async () => {
    const error = await runSql(session, 'SELECT $nowhere').catch((e) => e);
    expect(error).toBeInstanceOf(DataKernelError);
    expect(error.message).toContain('$nowhere');
    expect(error.hint).toMatch(/variable nowhere/);
  });

  it('queries JS values by name: records, arrow tables, danfo frames, earlier results', async () => {
    const { DataFrame } = await import('danfojs-node');
    const people = [
      { name: 'ada', age: 36, born: new Date('1815-12-10T00:00:00Z'), tags: ['math'] },
      { name: 'alan', age: 41.5, born: null, tags: null },
    ];
    const arrow = tableFromArrays({ k: Int32Array.from([1, 2, 3]), v: Float64Array.from([0.5, 1.5, 2.5]) });
    const danfo = new DataFrame({ k: [1, 2], w: ['a', 'b'] });
    const earlier = await runSql(session, 'SELECT range AS k FROM range(3)');
    const vars = scope({ people, arrow, danfo, earlier });
    const p = await runSql(session, 'SELECT name, age, born, tags FROM people WHERE age > 40', undefined, { variables: vars });
    expect(p.columns.map((c) => c.type)).toEqual(['VARCHAR', 'DOUBLE', 'TIMESTAMP', 'JSON']);
    expect(await p.toArray()).toEqual([{ name: 'alan', age: 41.5, born: null, tags: null }]);
    const joined = await runSql(session, 'SELECT a.k, a.v, d.w FROM arrow a JOIN danfo d ON a.k = d.k JOIN earlier e ON e.k = a.k ORDER BY a.k', undefined, { variables: vars });
    expect(await joined.toArray()).toEqual([
      { k: 1, v: 0.5, w: 'a' },
      { k: 2, v: 1.5, w: 'b' },
    ]);
  });

  it('leaves a user table alone when a variable has the same name', async () => {
    await runSql(session, 'CREATE TABLE sql_mine AS SELECT 7 AS seven');
    const result = await runSql(session, 'SELECT * FROM sql_mine', undefined, { variables: scope({ sql_mine: [{ other: 1 }] }) });
    expect(await result.toArray()).toEqual([{ seven: 7 }]);
  });

  it('keeps a 10-million-row result in DuckDB and displays only the first rows', async () => {
    const big = await runSql(session, 'SELECT range AS i, range % 7 AS m FROM range(10000000)');
    expect(big.numRows).toBe(10_000_000);
    setDisplayLimit(session, 5);
    const shown = await (big as unknown as { [k: symbol]: () => Promise<Record<string, unknown>> })[Symbol.for('Jupyter.display')]();
    setDisplayLimit(session, 20);
    expect(shown['text/html']).toContain('5 of 10,000,000 rows shown');
    expect(shown['text/html']).toContain('BIGINT');
    expect(shown['text/plain']).toMatch(/^i \(BIGINT\)/);
    const resource = shown['application/vnd.dataresource+json'] as { schema: { fields: unknown[] }; data: unknown[] };
    expect(resource.schema.fields).toEqual([
      { name: 'i', type: 'integer' },
      { name: 'm', type: 'integer' },
    ]);
    expect(resource.data).toHaveLength(5);
    const sum = await runSql(session, `SELECT sum(m) AS s FROM ${big.relation}`);
    expect(await sum.toArray()).toEqual([{ s: 29999994n }]);
  });

  it('drops a result on request: its table is gone and using it says so', async () => {
    const result = await runSql(session, 'SELECT range AS i FROM range(1000)');
    const tables = async (t: string) => {
      const found = await runSql(session, `SELECT count(*) AS n FROM duckdb_tables() WHERE temporary AND '"temp"."main"."' || table_name || '"' = $t`, { t });
      return (await found.toArray())[0].n;
    };
    expect(await tables(result.relation)).toBe(1n);
    const relation = result.relation;
    await result.drop();
    await result.drop();
    expect(await tables(relation)).toBe(0n);
    await expect(result.toArray()).rejects.toThrow(/dropped.*Run the query again|dropped/);
    expect(() => result.relation).toThrow(DataKernelError);
  });

  it('drops the tables of results nobody refers to any more, after garbage collection', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const temporary = async () => {
      const counted = await runSql(session, "SELECT count(*) AS n FROM duckdb_tables() WHERE temporary AND table_name LIKE '__dk_result%'");
      return Number((await counted.toArray())[0].n);
    };
    const before = await temporary();
    await (async () => {
      for (let i = 0; i < 30; i++) await runSql(session, `SELECT ${i} AS i FROM range(100)`);
    })();
    expect(await temporary()).toBeGreaterThanOrEqual(before + 30);
    for (let attempt = 0; attempt < 20 && (await temporary()) > before + 5; attempt++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await temporary()).toBeLessThanOrEqual(before + 5);
  });

  it('answers toArray and rows of a small result from the rows read with it, without another query', async () => {
    const small = await runSql(session, 'SELECT range AS i, range * 2 AS j FROM range(3)');
    // With its table gone, only rows kept with the result can answer.
    const { connection } = await embeddedDuckDB(session);
    await connection.run(`DROP TABLE ${small.relation}`);
    expect(await small.toArray()).toEqual([{ i: 0n, j: 0n }, { i: 1n, j: 2n }, { i: 2n, j: 4n }]);
    expect(await small.rows(1, 1)).toEqual([[1n, 2n]]);
    const big = await runSql(session, `SELECT range AS i FROM range(${KEPT_ROWS + 1})`);
    await connection.run(`DROP TABLE ${big.relation}`);
    await expect(big.toArray()).rejects.toThrow(/does not exist/);
  });

  it('gives a small result as an array at once, as Arrow and pandas do, and says to await a bigger one', async () => {
    const small = await runSql(session, 'SELECT range AS i FROM range(50)');
    expect(small.toArray().map((r) => r.i)).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(i)));
    expect(small.rows(2, 48)).toEqual([[48n], [49n]]);
    expect(small.column('i').length).toBe(50);
    // Awaiting works either way, and .then too, so older code keeps working.
    expect(await small.toArray(1)).toEqual([{ i: 0n }]);
    expect(await small.toArray(1).then((rows) => rows.length)).toBe(1);
    const big = await runSql(session, 'SELECT range AS i FROM range(200000)');
    expect(big.toArray(3).map((r) => r.i)).toEqual([0n, 1n, 2n]);
    expect(() => big.toArray().map((r) => r.i)).toThrow(DataKernelError);
    expect(() => big.toArray().map((r) => r.i)).toThrow(/asks for 200,000 rows.*must be awaited/);
    const thrown = (() => {
      try {
        return big.toArray().length;
      } catch (error) {
        return error as DataKernelError;
      }
    })();
    expect((thrown as DataKernelError).hint).toMatch(/\(await result\.toArray\(\)\)\.map/);
    expect(() => big.rows(10, KEPT_ROWS)[0]).toThrow(/must be awaited/);
    expect((await big.rows(2, 199_998))).toEqual([[199_998n], [199_999n]]);
    expect(await big.column('i').then((values) => values.length)).toBe(200_000);
    expect(inspect(big.toArray())).toMatch(/await them/);
  });

  it('converts to Arrow and danfo and iterates in batches', async () => {
    const result = await runSql(session, "SELECT range AS i, 'v' || range AS s, range / 2 AS h, TIMESTAMP '2024-01-01' + to_days(range::INT) AS t FROM range(25)");
    const arrow = await result.toArrow();
    expect(arrow.numRows).toBe(25);
    expect(arrow.schema.fields.map((f) => String(f.type))).toEqual(['Int64', 'Utf8', 'Float64', 'Timestamp<MILLISECOND>']);
    expect(arrow.getChild('s')?.get(3)).toBe('v3');
    const frame = await result.toDanfo();
    expect(frame.shape).toEqual([25, 4]);
    const sizes: number[] = [];
    const seen: bigint[] = [];
    for await (const batch of result.batches(10)) {
      sizes.push(batch.length);
      seen.push(...batch.map((row) => row.i as bigint));
    }
    expect(sizes).toEqual([10, 10, 5]);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => BigInt(i)));
  });

  it('shows DuckDB errors with the position, the statement and a hint', async () => {
    const error = await runSql(session, 'SELECT 1;\nSELECT nope FROM range(2)').catch((e) => e);
    expect(error).toBeInstanceOf(DataKernelError);
    expect(error.message).toContain('In statement 2 of 2: Binder Error');
    expect(error.message).toMatch(/LINE 1: SELECT nope FROM range\(2\)\n\s+\^/);
    expect(error.hint).toMatch(/column/);
    const parse = await runSql(session, 'SELEC 1').catch((e) => e);
    expect(parse.message).toContain('syntax error');
    expect(parse.hint).toMatch(/syntax/);
    const conversion = await runSql(session, "SELECT 'abc'::INTEGER").catch((e) => e);
    expect(conversion.message).toMatch(/LINE 1: SELECT 'abc'::INTEGER\n {20}\^/);
    const missing = await runSql(session, "SELECT * FROM 'sql-missing-file.parquet'").catch((e) => e);
    expect(missing.message).toMatch(/No files found|does not exist/);
    expect(missing.hint).toMatch(/file/);
  });

  it('reads Parquet written by DuckDB and the vega-datasets flights Parquet', async () => {
    const file = join(session.projectDir, 'written.parquet');
    await runSql(session, `COPY (SELECT range AS id, range * 2 AS twice FROM range(1000)) TO '${file}' (FORMAT parquet)`);
    const back = await runSql(session, `SELECT count(*) AS n, sum(twice) AS s FROM '${file}'`);
    expect(await back.toArray()).toEqual([{ n: 1000n, s: 999000n }]);
    const flights = await runSql(session, "SELECT count(*) AS n FROM 'node_modules/vega-datasets/data/flights-3m.parquet'");
    expect((await flights.toArray())[0].n).toBeGreaterThan(2_000_000n);
  });

  it('shows statements without a result (SHOW, PRAGMA) as results too', async () => {
    const shown = await runSql(session, 'PRAGMA version');
    expect(shown.columns.map((c) => c.name)).toContain('library_version');
  });
});
