/*
 * SQL and file faults on the embedded DuckDB: bad SQL, unbound parameters, missing, empty, corrupt and truncated
 * Parquet, malformed JSON and CSV, unknown connections, a huge result, an interrupted query. One kernel; the
 * files under data/ must be byte-for-byte the same after every case.
 */
import { join } from 'node:path';
import type { FaultCase, FaultGroup } from '../harness/fault-case.js';
import { repoRoot } from '../harness/kernel-fixture.js';
import { openKernelGroup, type KernelGroupFixture } from '../harness/kernel-group.js';

type Case = FaultCase<KernelGroupFixture>;
const cars = join(repoRoot, 'node_modules/vega-datasets/data/cars.json');

const setup = [
  `%sql COPY (SELECT * FROM read_json_auto('${cars}')) TO 'data/cars.parquet' (FORMAT parquet)`,
  `import { readFileSync, writeFileSync } from 'node:fs';
const good = readFileSync('data/cars.parquet');
writeFileSync('data/truncated.parquet', good.subarray(0, Math.floor(good.length / 2)));
writeFileSync('data/garbage.parquet', Buffer.from('this is not parquet at all, just text that ends with PAR1'));
writeFileSync('data/empty.parquet', Buffer.alloc(0));
writeFileSync('data/broken.json', '[{"a": 1}, {"a": 2,, }');
writeFileSync('data/ragged.csv', 'a,b\\n1,2\\n3,4,5,6\\n"unterminated,7\\n');`,
  '%connect cars data/cars.parquet',
];

const sqlCase = (name: string, expected: string, match: RegExp, code: string): Case => ({ name, expected, match, run: (f) => f.kernel.observe(code) });

const cases: Case[] = [
  sqlCase('SQL syntax error', 'the parser error with where it is', /^\[error\][\s\S]*Parser Error: syntax error at or near "cars"[\s\S]*LINE 1: SELECT \* FORM cars[\s\S]*Hint: Fix the SQL syntax/, '%sql SELECT * FORM cars'),
  sqlCase('unknown table', 'names the table (and the near match)', /^\[error\][\s\S]*Table with name carz does not exist[\s\S]*cars/, '%sql SELECT * FROM carz'),
  sqlCase('unknown column', 'names the column and the candidates', /^\[error\][\s\S]*"Horsepowr" not found[\s\S]*Horsepower/, '%sql SELECT Horsepowr FROM cars'),
  sqlCase('bad cast', 'a conversion error naming the value and type', /^\[error\][\s\S]*Could not convert string 'abc' to INT32/, "%sql SELECT 'abc'::INTEGER"),
  sqlCase('$name bound to an undefined variable', 'names the variable and how to define it', /^\[error\][\s\S]*nosuchvariable/, '%sql SELECT * FROM cars WHERE Cylinders = $nosuchvariable'),
  sqlCase('missing Parquet file', 'names the path: no file found', /^\[error\][\s\S]*data\/missing\.parquet/, "%sql SELECT * FROM 'data/missing.parquet'"),
  sqlCase('corrupt Parquet file (not Parquet)', 'says the file is not a valid Parquet file, naming it', /^\[error\][\s\S]*garbage\.parquet[\s\S]*Hint: The file is not valid Parquet/, "%sql SELECT * FROM 'data/garbage.parquet'"),
  sqlCase('truncated Parquet file', 'says the file is not valid Parquet, naming it', /^\[error\][\s\S]*No magic bytes[\s\S]*truncated\.parquet[\s\S]*Hint: The file is not valid Parquet/, "%sql SELECT * FROM 'data/truncated.parquet'"),
  sqlCase('empty (0-byte) Parquet file', 'says the file is too small to be Parquet, naming it', /^\[error\][\s\S]*empty\.parquet' too small[\s\S]*Hint: The file is not valid Parquet/, "%sql SELECT * FROM 'data/empty.parquet'"),
  sqlCase('%connect to a missing file', 'names the path and that nothing matched', /^\[error\][\s\S]*nothere\.parquet/, '%connect gone data/nothere.parquet'),
  sqlCase('%connect to a corrupt Parquet file', 'names the file and that it is not Parquet', /^\[error\][\s\S]*garbage\.parquet/, '%connect junk data/garbage.parquet'),
  sqlCase('malformed JSON file', 'a JSON error naming the file and the place', /^\[error\][\s\S]*Malformed JSON in file "data\/broken\.json", at byte 9[\s\S]*Hint: .*ignore_errors/, "%sql SELECT * FROM 'data/broken.json'"),
  sqlCase('ragged CSV (rows of different widths, an open quote)', 'a CSV error naming the file and the line, with the option that relaxes it', /^\[error\][\s\S]*ragged\.csv[\s\S]*Possible fixes/, "%sql SELECT * FROM read_csv('data/ragged.csv', delim = ',', header = true, strict_mode = true)"),
  sqlCase('%%sql --on an unknown connection', 'names the connection and lists what exists', /^\[error\][\s\S]*nosuchdb[\s\S]*(%connect|connections)/i, '%%sql --on nosuchdb\nSELECT 1'),
  sqlCase('%sql with no query', 'says a query is missing and where to write it', /^\[error\][\s\S]*no query/, '%sql'),
  {
    name: 'a huge SQL result (3 million rows)',
    expected: 'shown as the first rows and the count; it stays in DuckDB',
    match: /^\[ok\][\s\S]*3,?000,?000/,
    run: async (f) => (await f.kernel.observe('%sql SELECT range AS i, range * 2 AS j FROM range(3000000)')).slice(0, 4000),
  },
  {
    name: 'a long DuckDB query, interrupted',
    expected: 'KeyboardInterrupt; the next query runs at once',
    match: /^\[error\][\s\S]*KeyboardInterrupt[\s\S]*next: \[ok\]/,
    run: async (f) => `${await f.kernel.observe('%sql SELECT count(*) FROM range(1000000000000) a WHERE a.range % 7 = 3', { timeoutMs: 800 })}\nnext: ${await f.kernel.observe('%sql SELECT 1 AS one')}`,
  },
  sqlCase('a write statement onto a connected file view', 'refused: the view is read-only; the file is unchanged', /^\[error\][\s\S]*(cars|view|read)/i, "%sql INSERT INTO cars (Name) VALUES ('x')"),
];

export const sqlFaults: FaultGroup<KernelGroupFixture> = {
  name: 'sql',
  open: async () => {
    const fixture = await openKernelGroup({ setup });
    const stateCheck = async () => /406/.test((await fixture.kernel.run('%sql SELECT count(*) AS n FROM cars')).text);
    return { ...fixture, stateIntact: async () => (await fixture.stateIntact()) && (await stateCheck()) };
  },
  cases,
};
