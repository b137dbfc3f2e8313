// Postgres -> Parquet ingestion: %ingest's path (pg cursor -> DuckDB -> atomic Parquet write) against the
// reference `psql -c "COPY ... TO STDOUT (FORMAT csv)" | DuckDB read_csv -> Parquet`, measured in one run.
// Each side runs in its own process so peak RSS is its own. BENCH_QUICK=1 uses 100k rows instead of 1M.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const URI = 'postgres://postgres@127.0.0.1:5432/test';
const TABLE = 'public.bench_schema_ingest';
const ROWS = process.env.BENCH_QUICK ? 100_000 : 1_000_000;
const self = fileURLToPath(import.meta.url);
const root = join(self, '..', '..');

interface Measured {
  seconds: number;
  maxRssKb: number;
  rows: number;
}

const report = (measured: Measured) => console.log(JSON.stringify(measured));

/** Child: our ingest, timed from the call. */
async function ours(dir: string): Promise<void> {
  const { Session } = await import('../src/session/session.js');
  const { connect } = await import('../src/connectors/registry.js');
  const { ingest } = await import('../src/ingest/index.js');
  const session = new Session(dir);
  await connect(session, 'pg', URI);
  const started = performance.now();
  const result = await ingest(session, `pg.${TABLE}`, { into: 'ours.parquet' });
  report({ seconds: (performance.now() - started) / 1000, maxRssKb: process.resourceUsage().maxRSS, rows: result.rows });
  await session.close();
}

/** Child: DuckDB reading psql's CSV from stdin and writing Parquet. */
async function reference(dir: string): Promise<void> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const started = performance.now();
  const out = join(dir, 'reference.parquet').replace(/'/g, "''");
  await connection.run(
    `COPY (SELECT * FROM read_csv('/dev/stdin', header = false,
       columns = {'id': 'BIGINT', 'at': 'TIMESTAMPTZ', 'amount': 'DECIMAL(12,2)', 'label': 'VARCHAR', 'flag': 'BOOLEAN'}))
     TO '${out}' (FORMAT parquet)`,
  );
  const rows = Number((await connection.runAndReadAll(`SELECT count(*) FROM '${out}'`)).getRows()[0][0]);
  report({ seconds: (performance.now() - started) / 1000, maxRssKb: process.resourceUsage().maxRSS, rows });
}

function psql(sql: string): void {
  const result = spawnSync('psql', [URI, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
}

function runChild(command: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve({ stdout, stderr }) : reject(new Error(`${command} exited ${code}: ${stderr}`))));
  });
}

const lastJson = (text: string): Measured => JSON.parse(text.trim().split('\n').filter((l) => l.startsWith('{')).at(-1)!);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dk-bench-ingest-'));
  try {
    psql(`DROP TABLE IF EXISTS ${TABLE}; CREATE TABLE ${TABLE} AS
      SELECT i::bigint AS id, timestamptz '2024-01-01' + i * interval '1 second' AS at, (i % 10000 / 100.0)::numeric(12,2) AS amount,
             'customer ' || (i % 5000) AS label, i % 2 = 0 AS flag
      FROM generate_series(1, ${ROWS}) AS s(i)`);
    const oursRun = lastJson((await runChild(process.execPath, ['--import', 'tsx', self, 'ours', dir])).stdout);
    // /usr/bin/time reports psql's own peak RSS (KB) on stderr; the consumer reports its own.
    const pipeline = `set -o pipefail; /usr/bin/time -f 'PSQL_MAXRSS %M' psql '${URI}' -q -c "COPY ${TABLE} TO STDOUT (FORMAT csv)" | '${process.execPath}' --import tsx '${self}' reference '${dir}'`;
    const refOut = await runChild('bash', ['-c', pipeline]);
    const refRun = lastJson(refOut.stdout);
    const psqlKb = Number(/PSQL_MAXRSS (\d+)/.exec(refOut.stderr)?.[1] ?? 0);
    if (oursRun.rows !== ROWS || refRun.rows !== ROWS) throw new Error(`row counts differ: ours ${oursRun.rows}, reference ${refRun.rows}, table ${ROWS}`);
    const oursRate = ROWS / oursRun.seconds;
    const refRate = ROWS / refRun.seconds;
    const refRssMb = (refRun.maxRssKb + psqlKb) / 1024;
    const oursRssMb = oursRun.maxRssKb / 1024;
    const vs = 'vs psql COPY csv | DuckDB read_csv -> Parquet';
    console.log(`schema-ingest postgres->parquet ${ROWS} rows: ${Math.round(oursRate)} rows/s (${(oursRate / refRate).toFixed(2)}x ${vs} at ${Math.round(refRate)} rows/s)`);
    console.log(`schema-ingest postgres->parquet time: ${oursRun.seconds.toFixed(2)} s (${(oursRun.seconds / refRun.seconds).toFixed(2)}x ${vs} at ${refRun.seconds.toFixed(2)} s)`);
    console.log(`schema-ingest postgres->parquet peak RSS: ${oursRssMb.toFixed(0)} MB (${(oursRssMb / refRssMb).toFixed(2)}x ${vs} at ${refRssMb.toFixed(0)} MB, psql ${(psqlKb / 1024).toFixed(0)} MB + DuckDB ${(refRun.maxRssKb / 1024).toFixed(0)} MB)`);
  } finally {
    psql(`DROP TABLE IF EXISTS ${TABLE}`);
    rmSync(dir, { recursive: true, force: true });
  }
}

const [mode, dir] = process.argv.slice(2);
if (mode === 'ours') await ours(dir);
else if (mode === 'reference') await reference(dir);
else await main();
