import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '@clickhouse/client';
import { describe, expect, it } from 'vitest';
import { bindClickhouse, clickhouseLiteral, clickhouseParameterNames, hasFormatClause, splitClickhouseStatements } from '../../src/connectors/clickhouse-sql.js';
import { chTypeToDuckDB, chValueToJson, duckdbTypeToCh, parseChType, unescapeTsv } from '../../src/connectors/clickhouse-types.js';
import { parseChException } from '../../src/connectors/clickhouse-error.js';

const old = { parameters: false, dateTime64: false };
const literal = (value: unknown) => clickhouseLiteral('v', value, old);

describe('ClickHouse literals (client-side binding for servers without query parameters)', () => {
  it('escapes every quote, backslash and control character of a string', () => {
    expect(literal("it's")).toBe("'it\\'s'");
    expect(literal('a\\b')).toBe("'a\\\\b'");
    expect(literal('\\')).toBe("'\\\\'");
    expect(literal("\\'")).toBe("'\\\\\\''");
    expect(literal('nul\0tab\tnl\nr\r')).toBe("'nul\\0tab\\tnl\\nr\\r'");
  });

  it('writes numbers, bigints, booleans, nulls, dates and arrays', () => {
    expect(literal(42)).toBe('42');
    expect(literal(1.5)).toBe('1.5');
    expect(literal(-3)).toBe('(-3)');
    expect(literal(18446744073709551615n)).toBe('18446744073709551615');
    expect(literal(-9223372036854775808n)).toBe('(-9223372036854775808)');
    expect(literal(Number.NaN)).toBe('nan');
    expect(literal(-Infinity)).toBe('(-inf)');
    expect(literal(true)).toBe('1');
    expect(literal(null)).toBe('NULL');
    expect(literal(new Date('2024-01-02T03:04:05.678Z'))).toBe("toDateTime('2024-01-02 03:04:05', 'UTC')");
    expect(clickhouseLiteral('v', new Date('2024-01-02T03:04:05.678Z'), { dateTime64: true })).toBe("toDateTime64('2024-01-02 03:04:05.678', 3, 'UTC')");
    expect(literal(['a', "b'", null, 1])).toBe("['a', 'b\\'', NULL, 1]");
  });

  it('refuses objects and functions instead of turning them into SQL', () => {
    expect(() => literal({ toString: () => "1) OR (1=1" })).toThrow(/cannot take as a value/);
    expect(() => literal(() => 1)).toThrow(/cannot take as a value/);
  });

  it('binds $name only outside strings, quoted names and comments', () => {
    const sql = "SELECT $a, '$a', `$a`, \"$a\" -- $a\n, 'it\\'s $a' /* $a */, $b";
    expect(clickhouseParameterNames(sql)).toEqual(['a', 'b']);
    expect(bindClickhouse(sql, { a: "x'", b: 2 }, old).sql).toBe("SELECT 'x\\'', '$a', `$a`, \"$a\" -- $a\n, 'it\\'s $a' /* $a */, 2");
    // A negative value after a minus does not open a comment.
    expect(bindClickhouse('SELECT 1-$x', { x: -1 }, old).sql).toBe('SELECT 1-(-1)');
    expect(bindClickhouse('SELECT $1 + $2', [1, 2], old).sql).toBe('SELECT 1 + 2');
    expect(() => bindClickhouse('SELECT $missing', {}, old)).toThrow(/No value for \$missing/);
  });

  it('uses the server\'s own {name:Type} parameters where it has them', () => {
    const bound = bindClickhouse('SELECT $s, $n, $f, $d, $xs', { s: "a'b", n: 5, f: 1.5, d: new Date('2024-01-02T03:04:05Z'), xs: ['x', null] }, { parameters: true, dateTime64: true });
    expect(bound.sql).toBe("SELECT {p_s:String}, {p_n:Int64}, {p_f:Float64}, {p_d:DateTime64(3, 'UTC')}, {p_xs:Array(Nullable(String))}");
    // The values go to @clickhouse/client as they are: it writes them as the server reads them, escaping once.
    expect(bound.params).toEqual({ p_s: "a'b", p_n: 5, p_f: 1.5, p_d: new Date('2024-01-02T03:04:05Z'), p_xs: ['x', null] });
    const flags = bindClickhouse('SELECT $b, $none, $bs', { b: true, none: null, bs: [false, true] }, { parameters: true, dateTime64: true });
    expect(flags.sql).toBe('SELECT {p_b:UInt8}, {p_none:Nullable(String)}, {p_bs:Array(UInt8)}');
    expect(flags.params).toEqual({ p_b: 1, p_none: null, p_bs: [0, 1] });
  });

  it('sends the server each bound value escaped once: a NULL as \\N, a string\'s quote as \\\' (the URL @clickhouse/client builds)', async () => {
    const seen: string[] = [];
    const server = createServer((request, response) => {
      seen.push(request.url ?? '');
      response.writeHead(200, { 'Content-Type': 'text/plain', 'X-ClickHouse-Summary': '{}' }).end('');
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    const { port } = server.address() as AddressInfo;
    const client = createClient({ url: `http://127.0.0.1:${port}` });
    try {
      const bound = bindClickhouse('SELECT $s, $none, $xs', { s: "a'b\\c", none: null, xs: ['x', null] }, { parameters: true, dateTime64: true });
      await client.command({ query: bound.sql, query_params: bound.params });
      const params = new URL(seen[0], 'http://x').searchParams;
      expect(params.get('param_p_s')).toBe("a\\'b\\\\c");
      expect(params.get('param_p_none')).toBe('\\N');
      expect(params.get('param_p_xs')).toBe("['x',NULL]");
    } finally {
      await client.close();
      server.close();
    }
  });

  it('splits statements by ClickHouse\'s lexical rules', () => {
    expect(splitClickhouseStatements("SELECT 'a;\\';b'; SELECT 2; -- only a comment;")).toEqual(["SELECT 'a;\\';b'", 'SELECT 2']);
    expect(hasFormatClause('SELECT 1 FORMAT JSON')).toBe(true);
    expect(hasFormatClause("SELECT 'FORMAT JSON'")).toBe(false);
    expect(hasFormatClause('SELECT 1 AS format')).toBe(false);
  });
});

describe('ClickHouse types and values', () => {
  it('maps types to DuckDB', () => {
    const duck = (t: string) => chTypeToDuckDB(parseChType(t));
    expect(duck('Nullable(UInt64)')).toBe('UBIGINT');
    expect(duck('LowCardinality(Nullable(String))')).toBe('VARCHAR');
    expect(duck('Decimal(38, 10)')).toBe('DECIMAL(38,10)');
    expect(duck('Decimal64(4)')).toBe('DECIMAL(18,4)');
    expect(duck("DateTime('Europe/Moscow')")).toBe('TIMESTAMPTZ');
    expect(duck("DateTime64(3, 'UTC')")).toBe('TIMESTAMPTZ');
    expect(duck("Enum8('a' = 1, 'it\\'s' = -2)")).toBe("ENUM('it''s', 'a')");
    expect(duck('Array(Array(Nullable(Int32)))')).toBe('INTEGER[][]');
    expect(duck('Tuple(UInt8, String)')).toBe('STRUCT("1" UTINYINT, "2" VARCHAR)');
    expect(duck('Tuple(a UInt8, b Array(String))')).toBe('STRUCT("a" UTINYINT, "b" VARCHAR[])');
    expect(duck('Map(String, Array(UInt8))')).toBe('MAP(VARCHAR, UTINYINT[])');
    expect(duck('IPv4')).toBe('VARCHAR');
  });

  it('reads composite text values as JSON, keeping every digit', () => {
    expect(chValueToJson("[['a\\'b',NULL],[]]", parseChType('Array(Array(Nullable(String)))'))).toBe('[["a\'b",null],[]]');
    expect(chValueToJson('[18446744073709551615,1]', parseChType('Array(UInt64)'))).toBe('[18446744073709551615,1]');
    expect(chValueToJson("(1,'x')", parseChType('Tuple(UInt8, String)'))).toBe('{"1":1,"2":"x"}');
    expect(chValueToJson("{'k':[1,2]}", parseChType('Map(String, Array(UInt8))'))).toBe('{"k":[1,2]}');
    expect(chValueToJson('[inf,nan]', parseChType('Array(Float64)'))).toBe('["inf","nan"]');
    expect(unescapeTsv('a\\tb\\\\n\\n')).toBe('a\tb\\n\n');
    expect(unescapeTsv('\\N')).toBeNull();
  });

  it('maps DuckDB types back for tables made on ClickHouse', () => {
    expect(duckdbTypeToCh('INTEGER', false)).toBe('Int32');
    expect(duckdbTypeToCh('DECIMAL(12,2)', true)).toBe('Nullable(Decimal(12, 2))');
    expect(duckdbTypeToCh('VARCHAR[]', true)).toBe('Array(Nullable(String))');
    expect(duckdbTypeToCh('TIMESTAMP WITH TIME ZONE', false)).toBe("DateTime('UTC')");
  });

  it('reads old and new exception texts', () => {
    expect(parseChException('Code: 62, e.displayText() = DB::Exception: Syntax error: failed at position 11 (end of query): . Expected one of: a, b, e.what() = DB::Exception')).toEqual({
      code: 62,
      message: 'Syntax error: failed at position 11 (end of query): . Expected one of: a, b',
      position: 11,
    });
    expect(parseChException("Code: 60. DB::Exception: Table default.x doesn't exist. (UNKNOWN_TABLE) (version 23.8.1)")).toEqual({ code: 60, message: "Table default.x doesn't exist." });
  });
});
