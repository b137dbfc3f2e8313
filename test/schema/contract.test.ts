import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { format } from '../../src/display/format.js';
import { checkContract, ContractError, parseContract } from '../../src/schema/index.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import { TestMagicContext } from '../helpers/magic-context.js';

const HEAD = 'apiVersion: v3.0.2\nkind: DataContract\nid: orders-contract\nversion: 1.0.0\nstatus: active\n';

const issues = (text: string) => {
  try {
    parseContract(text, 'c.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ContractError);
    return (error as ContractError).issues.map((i) => `${i.line}: ${i.message}`);
  }
  throw new Error('contract parsed');
};

describe('parseContract', () => {
  it('names the line of unknown keys and wrong types', () => {
    const text = `${HEAD}schema:
  - name: orders
    properties:
      - name: id
        logicalType: integer
        requird: true
      - name: email
        unique: "yes"
        logicalType: text
    quality:
      - metric: rowCount
        mustBeGreaterThan: lots
`;
    expect(issues(text)).toEqual([
      '11: unknown key "requird" in contract.schema["orders"].properties["id"] (did you mean "required"?)',
      '13: contract.schema["orders"].properties["email"].unique must be a boolean, got string "yes" (write true or false)',
      '14: contract.schema["orders"].properties["email"].logicalType must be one of string, date, timestamp, time, number, integer, object, array, boolean, map; got "text"',
      '17: contract.schema["orders"].quality[0].mustBeGreaterThan must be a number, got string "lots"',
    ]);
  });

  it('requires the ODCS fundamentals and checks them in JSON too', () => {
    expect(issues('{"apiVersion": "v3.0.2", "kind": "DataContract",\n "id": "x",\n "status": "draft", "version": 2}')).toEqual([
      '3: contract.version must be a string, got number 2 (quote it)',
    ]);
    expect(issues('kind: Contract\n')).toEqual([
      '1: contract is missing the required key "apiVersion"',
      '1: contract is missing the required key "id"',
      '1: contract is missing the required key "version"',
      '1: contract is missing the required key "status"',
      '1: contract.kind must be one of DataContract; got "Contract" (did you mean DataContract?)',
    ]);
    expect(issues(`${HEAD}schema: [\n`)[0]).toMatch(/^7: /);
  });

  it('names the line inside a dbt or Great Expectations implementation', () => {
    const text = `${HEAD}schema:
  - name: orders
    quality:
      - type: custom
        engine: greatExpectations
        implementation: |
          type: expect_table_row_count_to_be_between
          kwargs:
            minValue: 10
      - type: custom
        engine: dbt
        implementation:
          accepted_valuez:
            values: [a]
`;
    expect(issues(text)).toEqual([
      '14: unknown key "minValue" in contract.schema[0].quality[0].implementation arguments (did you mean "min_value"?)',
      '18: unknown dbt test "accepted_valuez" (did you mean "accepted_values"?); known: not_null, unique, accepted_values, range, accepted_range, regex, dbt_expectations.expect_column_values_to_match_regex, row_count, dbt_expectations.expect_table_row_count_to_be_between, freshness, dbt_utils.recency, dbt_utils.accepted_range',
    ]);
  });
});

describe('checkContract', () => {
  const ctx = new TestMagicContext();
  const dir = ctx.session.projectDir;
  beforeAll(async () => {
    const { connection } = await embeddedDuckDB(ctx.session);
    await connection.run(`CREATE TABLE contract_orders AS SELECT * FROM (VALUES
      (1, 'a@x.org', 'placed', 10.0, now() - INTERVAL 1 HOUR),
      (2, 'b@x.org', 'shipped', 250.0, now() - INTERVAL 2 HOUR),
      (3, NULL, 'lost', -5.0, now() - INTERVAL 3 HOUR),
      (3, 'not-an-email', 'placed', 20.0, now() - INTERVAL 4 HOUR)
    ) t(id, email, status, amount, created_at)`);
  });
  afterAll(() => ctx.session.close());

  it('runs schema, library, dbt, GE and SQL checks and shows failing rows', async () => {
    writeFileSync(join(dir, 'orders.yaml'), `${HEAD}schema:
  - name: contract_orders
    properties:
      - name: id
        logicalType: integer
        physicalType: INTEGER
        primaryKey: true
      - name: email
        logicalType: string
        required: true
        logicalTypeOptions:
          pattern: '^[^@]+@[^@]+$'
      - name: status
        logicalType: string
        quality:
          - type: custom
            engine: dbt
            implementation:
              accepted_values:
                values: [placed, shipped]
          - metric: invalidValues
            arguments:
              validValues: [placed, shipped, lost]
            mustBe: 0
      - name: amount
        logicalType: number
        quality:
          - type: custom
            engine: greatExpectations
            implementation:
              type: expect_column_values_to_be_between
              kwargs:
                min_value: 0
                max_value: 1000
          - metric: nullValues
            mustBeLessThan: 50
            unit: percent
      - name: created_at
        logicalType: timestamp
        quality:
          - type: custom
            engine: dbt
            implementation: "freshness: {max_age: 6h}"
      - name: missing_column
        logicalType: string
    quality:
      - metric: rowCount
        mustBeBetween: [1, 10]
      - type: sql
        query: SELECT count(*) FROM {object} WHERE amount > 100
        mustBeLessOrEqualTo: 1
      - type: custom
        engine: dbt
        implementation:
          row_count: {min: 5}
      - metric: duplicateValues
        arguments:
          properties: [id, status]
`);
    const report = await checkContract(ctx.session, 'contract_orders', 'orders.yaml');
    const status = Object.fromEntries(report.results.map((r) => [`${r.name}${r.column ? `(${r.column})` : ''}`, `${r.status}${r.failingRows !== undefined ? ` ${r.failingRows}` : ''}`]));
    expect(status).toEqual({
      'exists(id)': 'pass',
      'logicalType(id)': 'pass',
      'physicalType(id)': 'pass',
      'exists(email)': 'pass',
      'logicalType(email)': 'pass',
      'required(email)': 'fail 1',
      'regex(email)': 'fail 1',
      'exists(status)': 'pass',
      'logicalType(status)': 'pass',
      'accepted_values(status)': 'fail 1',
      'invalidValues(status)': 'pass 0',
      'exists(amount)': 'pass',
      'logicalType(amount)': 'pass',
      'range(amount)': 'fail 1',
      'nullValues(amount)': 'pass 0',
      'exists(created_at)': 'pass',
      'logicalType(created_at)': 'pass',
      'freshness(created_at)': 'pass',
      'exists(missing_column)': 'fail',
      'primaryKey not null(id)': 'pass 0',
      'primaryKey unique(id)': 'fail 1',
      rowCount: 'pass',
      sql: 'pass',
      row_count: 'fail',
      'duplicateValues(id, status)': 'pass 0',
    });
    expect(report.passed).toBe(false);
    const email = report.results.find((r) => r.name === 'required')!;
    expect(email.sample).toHaveLength(1);
    expect(email.sample![0]).toMatchObject({ id: 3, status: 'lost' });
    expect(email.line).toBe(15);
    const duplicates = report.results.find((r) => r.name === 'primaryKey unique')!;
    expect(duplicates.sample).toHaveLength(2);
    const shown = (await format(report))['text/plain'] as string;
    expect(shown).toMatch(/contract_orders against orders.yaml \(orders-contract 1.0.0, object contract_orders\): 18 passed, 7 failed/);
    expect(shown).toMatch(/Failing rows of required \(email\)/);
    expect(() => report.failOnFailure()).toThrow(/Contract check failed/);
    await expect(ctx.magic('schema', 'check contract_orders --contract orders.yaml --fail-on failure')).rejects.toThrow(/Contract check failed/);
  });
});
