/*
 * Data contract faults: ODCS v3 contract files with typos, wrong types, bad YAML, missing files, and checks that
 * cannot run, given to `%schema check`. Each error must name the file, the place and the fix; the data and the
 * contract files themselves must not change.
 */
import type { FaultCase, FaultGroup } from '../harness/fault-case.js';
import { openKernelGroup, type KernelGroupFixture } from '../harness/kernel-group.js';

type Case = FaultCase<KernelGroupFixture>;

const CONTRACT = `apiVersion: v3.0.2
kind: DataContract
id: orders
version: 1.0.0
status: active
schema:
  - name: orders
    physicalName: data/orders.parquet
    properties:
      - name: id
        logicalType: integer
        required: true
      - name: amount
        logicalType: number
        quality:
          - type: custom
            engine: greatExpectations
            implementation:
              type: expect_column_values_to_be_between
              kwargs:
                min_value: 0
    quality:
      - metric: rowCount
        mustBeGreaterThan: 0
`;

/** The contract with `from` replaced by `to` (each case one typo), written under data/contracts/ during setup. */
const variants: Record<string, [string, string]> = {
  'top-key': ['schema:', 'shema:'],
  'prop-key': ['        logicalType: integer', '        logicalTyp: integer'],
  'logical-type': ['logicalType: number', 'logicalType: numbr'],
  'api-version': ['apiVersion: v3.0.2', 'apiVersion: v9'],
  kind: ['kind: DataContract', 'kind: DataContrac'],
  metric: ['metric: rowCount', 'metric: rowCont'],
  threshold: ['mustBeGreaterThan: 0', 'mustBeGreaterThan: zero'],
  'ge-name': ['expect_column_values_to_be_between', 'expect_column_values_to_be_betwen'],
  indent: ['      - name: amount', '    - name: amount'],
  tab: ['        required: true', '\trequired: true'],
  column: ['      - name: amount', '      - name: amout'],
  'required-type': ['required: true', 'required: yes please'],
};

const setup = [
  `%sql COPY (SELECT range::INTEGER AS id, (range * 1.5)::DOUBLE AS amount FROM range(100)) TO 'data/orders.parquet' (FORMAT parquet)`,
  `import { mkdirSync as mk, writeFileSync as wf } from 'node:fs';
mk('data/contracts', { recursive: true });
const base = ${JSON.stringify(CONTRACT)};
wf('data/contracts/good.yaml', base);
wf('data/contracts/empty.yaml', '');
wf('data/contracts/list.yaml', '- just\\n- a list\\n');
for (const [name, [from, to]] of Object.entries(${JSON.stringify(variants)})) wf(\`data/contracts/\${name}.yaml\`, base.replace(from, to));`,
];

const check = (contract: string, extra = '') => `%schema check data/orders.parquet --contract data/contracts/${contract}.yaml${extra}`;
const contractCase = (name: string, expected: string, match: RegExp, contract: string, extra = ''): Case => ({ name, expected, match, run: (f) => f.kernel.observe(check(contract, extra)) });

const cases: Case[] = [
  contractCase('the good contract (control)', 'passes: every check ok', /^\[ok\][\s\S]*(pass|ok|✓)/i, 'good'),
  contractCase('typo in a top-level key (shema)', 'unknown key "shema", did you mean "schema"', /^\[error\][\s\S]*unknown key "shema"[\s\S]*did you mean "schema"/, 'top-key'),
  contractCase('typo in a property key (logicalTyp)', 'unknown key "logicalTyp", did you mean "logicalType", with the line', /^\[error\][\s\S]*unknown key "logicalTyp"[\s\S]*did you mean "logicalType"/, 'prop-key'),
  contractCase('unknown logicalType (numbr)', 'names the value and the allowed ones', /^\[error\][\s\S]*numbr[\s\S]*number/, 'logical-type'),
  contractCase('unsupported apiVersion (v9)', 'names the version and the supported ones', /^\[error\][\s\S]*v9[\s\S]*v3/, 'api-version'),
  contractCase('typo in kind (DataContrac)', 'names the value and the expected DataContract', /^\[error\][\s\S]*DataContrac[\s\S]*DataContract/, 'kind'),
  contractCase('typo in a quality metric (rowCont)', 'names the metric, did you mean rowCount', /^\[error\][\s\S]*rowCont[\s\S]*rowCount/, 'metric'),
  contractCase('a threshold that is not a number (zero)', 'says mustBeGreaterThan needs a number', /^\[error\][\s\S]*mustBeGreaterThan[\s\S]*number/, 'threshold'),
  contractCase('typo in a Great Expectations test name', 'unknown test, did you mean expect_column_values_to_be_between', /^\[error\][\s\S]*expect_column_values_to_be_betwen[\s\S]*did you mean "expect_column_values_to_be_between"/, 'ge-name'),
  contractCase('YAML indentation error', 'a YAML error naming the file and line', /^\[error\][\s\S]*(contracts\/indent\.yaml|line \d+)/, 'indent'),
  contractCase('a tab in the YAML indentation', 'a YAML error naming the file and the line of the tab', /^\[error\][\s\S]*(tab|Tab)[\s\S]*(line|:\d+)/, 'tab'),
  contractCase('a contract column the data lacks (amout)', 'the check fails naming the missing column (the cell fails with --fail-on failure)', /amout/, 'column', ' --fail-on failure'),
  contractCase('required: given a string', 'says required must be true or false', /^\[error\][\s\S]*required[\s\S]*(boolean|true or false)/, 'required-type'),
  contractCase('an empty contract file', 'says the file is empty or not a contract, naming it', /^\[error\][\s\S]*empty\.yaml/, 'empty'),
  contractCase('a contract that is a YAML list', 'says the contract must be a mapping, naming the file', /^\[error\][\s\S]*list\.yaml/, 'list'),
  contractCase('a contract file that does not exist', 'names the path', /^\[error\][\s\S]*nosuch\.yaml/, 'nosuch'),
];

export const contractFaults: FaultGroup<KernelGroupFixture> = {
  name: 'contracts',
  open: () => openKernelGroup({ setup }),
  cases,
};
