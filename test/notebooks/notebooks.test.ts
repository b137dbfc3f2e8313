/*
 * The example notebooks in notebooks/ are tests: their cells throw on a wrong answer. This suite runs them the
 * ways CI and users do (`datakernel run`, `jupyter nbconvert --execute` with our kernelspec), on the machine's
 * Postgres, and checks the executed notebooks. Each run works in a copy of notebooks/ under test/.tmp (so the
 * project state in .datakernel/ and the Parquet in out/ are its own) and in a Postgres database of its own.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notebook, NotebookCell } from '../../src/runner/index.js';
import { installTestKernel, runJupyter, type TestJupyter } from '../helpers/jupyter.js';
import { code, notebookOf, validateNotebook } from '../runner/notebooks.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const cli = join(repoRoot, 'bin', 'datakernel.js');
const ADMIN_URI = 'postgres://postgres@127.0.0.1:5432/test';
const PLOTLY = 'application/vnd.plotly.v1+json';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function datakernel(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((done) =>
    execFile(process.execPath, [cli, ...args], { env, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    ),
  );
}

/** A copy of notebooks/ (the example notebooks and their contracts) in a fresh folder inside the repository, so packages resolve. */
function copyOfNotebooks(): string {
  mkdirSync(join(repoRoot, 'test', '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(repoRoot, 'test', '.tmp', 'notebooks-'));
  cpSync(join(repoRoot, 'notebooks'), dir, { recursive: true, filter: (path) => !/[/\\](out|\.datakernel)$/.test(path) });
  return dir;
}

/** A Postgres database of the run's own (dropped in afterAll), so runs never share the notebook's tables. */
async function createDatabase(name: string): Promise<string> {
  const client = new pg.Client(ADMIN_URI);
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  return `postgres://postgres@127.0.0.1:5432/${name}`;
}

async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client(ADMIN_URI);
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`).finally(() => client.end());
}

const sourceOf = (cell: NotebookCell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);
const codeCells = (notebook: Notebook) => notebook.cells.filter((c) => c.cell_type === 'code');
const cellStarting = (cells: NotebookCell[], start: string) => {
  const cell = cells.find((c) => sourceOf(c).startsWith(start));
  if (!cell) throw new Error(`no cell starts with ${start}`);
  return cell;
};
const textOf = (cell: NotebookCell) =>
  (cell.outputs ?? [])
    .map((o) => {
      if (o.output_type === 'stream') return o.text;
      if (o.output_type === 'error') return `${o.ename}: ${o.evalue}`;
      const plain = o.data['text/plain'];
      return Array.isArray(plain) ? plain.join('') : String(plain ?? '');
    })
    .join('\n');
const mimeTypes = (cell: NotebookCell) => (cell.outputs ?? []).flatMap((o) => (o.output_type === 'display_data' || o.output_type === 'execute_result' ? Object.keys(o.data) : []));

/** Reads an executed notebook, checks it is valid nbformat, error-free and that every code cell ran, in order. */
function executed(path: string): NotebookCell[] {
  validateNotebook(path);
  const cells = codeCells(JSON.parse(readFileSync(path, 'utf8')) as Notebook);
  expect(cells.filter((c) => c.outputs?.some((o) => o.output_type === 'error')).map(sourceOf)).toEqual([]);
  const counts = cells.map((c) => c.execution_count);
  expect(counts.every((n) => typeof n === 'number')).toBe(true);
  expect(counts).toEqual([...(counts as number[])].sort((a, b) => a - b));
  return cells;
}

/** What the ingest notebook must show, whichever way it ran. */
function checkIngestNotebook(cells: NotebookCell[]): void {
  expect(textOf(cellStarting(cells, 'second = %ingest'))).toMatch(/rows written\s+│ 300\b/);
  expect(textOf(cellStarting(cells, 'drift = %schema drift'))).toMatch(/3 changes \(0 breaking\)/);
  expect(textOf(cellStarting(cells, 'diff = %schema diff'))).toMatch(/removed\s+│ channel .*BREAKING/);
  expect(textOf(cellStarting(cells, 'report = %schema check'))).toMatch(/19 passed, 1 failed[\s\S]*range\s+│ amount\s+│ FAIL/);
  expect(mimeTypes(cellStarting(cells, '%%sql -o revenue'))).toContain('text/html');
  expect(mimeTypes(cellStarting(cells, '%plot bar'))).toContain(PLOTLY);
}

describe('example notebooks', () => {
  const databases: string[] = [];
  const dirs: string[] = [];
  const database = async () => {
    const name = `notebooks_${process.pid}_${databases.length}`;
    databases.push(name);
    return createDatabase(name);
  };
  const workDir = () => {
    const dir = copyOfNotebooks();
    dirs.push(dir);
    return dir;
  };
  let jupyter: TestJupyter | undefined;

  afterAll(async () => {
    for (const name of databases) await dropDatabase(name);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    jupyter?.cleanup();
  });

  it('ingest-and-schema runs with `datakernel run`: Postgres to checked Parquet, drift and a contract', async () => {
    const dir = workDir();
    const uri = await database();
    const out = join(dir, 'out', 'ingest-and-schema.ipynb');
    const run = await datakernel(['run', join(dir, 'ingest-and-schema.ipynb'), out, '--cwd', dir, '-p', 'pgUri', uri]);
    expect(run.code, run.stderr).toBe(0);
    const cells = executed(out);
    expect(sourceOf(cells[1])).toContain(`const pgUri = "${uri}"`);
    expect(cells[1].metadata.tags).toContain('injected-parameters');
    checkIngestNotebook(cells);
    expect(existsSync(join(dir, 'out', 'orders'))).toBe(true);
  }, 240_000);

  it('cdc runs with `datakernel run`: snapshot, inserts/updates/deletes, DDL through the gate, the slot dropped', async () => {
    const dir = workDir();
    const uri = await database();
    const out = join(dir, 'out', 'cdc.ipynb');
    const run = await datakernel(['run', join(dir, 'cdc.ipynb'), out, '--cwd', dir, '-p', 'pgUri', uri]);
    expect(run.code, run.stderr).toBe(0);
    const cells = executed(out);
    expect(textOf(cellStarting(cells, 'second = %ingest'))).toMatch(/0 snapshot rows, 20 inserts, 250 updates, 50 deletes/);
    expect(existsSync(join(dir, 'out', 'cdc-orders', 'current.parquet'))).toBe(true);
    const client = new pg.Client(uri);
    await client.connect();
    const slots = await client.query('SELECT slot_name FROM pg_replication_slots WHERE database = current_database()').finally(() => client.end());
    expect(slots.rows).toEqual([]);
  }, 240_000);

  it('streams-and-cdc runs with `datakernel run`: a NATS stream in %%sql, drift, a bounded %watch, exactly-once %ingest, CDC resume', async () => {
    const dir = workDir();
    const uri = await database();
    const out = join(dir, 'out', 'streams-and-cdc.ipynb');
    const run = await datakernel(['run', join(dir, 'streams-and-cdc.ipynb'), out, '--cwd', dir, '-p', 'pgUri', uri, '-p', 'natsUri', 'nats://127.0.0.1:4222']);
    expect(run.code, run.stderr).toBe(0);
    const cells = executed(out);
    expect(textOf(cellStarting(cells, 'drift = %schema drift'))).toMatch(/2 changes \(1 breaking\)[\s\S]*2002\s+│ type\s+│ amount/);
    expect(textOf(cellStarting(cells, 'setTimeout('))).toMatch(/300 messages in [\d.]+ s .*1 malformed, 1 schema change \(0 breaking\)/);
    expect(textOf(cellStarting(cells, 'rest = %ingest'))).toMatch(/1,299 rows written, position 3301/);
    expect(existsSync(join(dir, 'out', 'stream-orders', 'current.parquet'))).toBe(true);
    const client = new pg.Client(uri);
    await client.connect();
    const slots = await client.query('SELECT slot_name FROM pg_replication_slots WHERE database = current_database()').finally(() => client.end());
    expect(slots.rows).toEqual([]);
  }, 240_000);

  it('clickhouse-cluster runs with `datakernel run`: two shards behind a Distributed table, pushdown, %ingest into ClickHouse', async () => {
    const dir = workDir();
    const uri = await database();
    const out = join(dir, 'out', 'clickhouse-cluster.ipynb');
    const run = await datakernel(['run', join(dir, 'clickhouse-cluster.ipynb'), out, '--cwd', dir, '-p', 'pgUri', uri]);
    expect(run.code, run.stderr).toBe(0);
    const cells = executed(out);
    expect(textOf(cellStarting(cells, '%%sql --explain'))).toMatch(/-- on ch\nSELECT `user_id` AS `user_id`, count\(\) AS `buys`[\s\S]*GROUP BY `user_id`[\s\S]*Run in DuckDB:[\s\S]*HASH_JOIN/);
    expect(textOf(cellStarting(cells, 'diff = %schema diff'))).toMatch(/schemas match/);
  }, 240_000);

  it('model-loop runs with `datakernel run`: trains, tracks, serves over both protocols, finds drift', async () => {
    const dir = workDir();
    const out = join(dir, 'out', 'model-loop.ipynb');
    const junit = join(dir, 'out', 'model-loop.xml');
    const run = await datakernel(['run', join(dir, 'model-loop.ipynb'), out, '--cwd', dir, '-p', 'minAccuracy', '0.95', '--junit', junit]);
    expect(run.code, run.stderr).toBe(0);
    const cells = executed(out);
    expect(sourceOf(cells[1])).toContain('const minAccuracy = 0.95');
    expect(textOf(cellStarting(cells, 'softmax = %train'))).toMatch(/accuracy\s+│ (0\.9[5-9]\d|1\.000)/);
    expect(mimeTypes(cellStarting(cells, '%plot scatter'))).toContain(PLOTLY);
    expect(textOf(cellStarting(cells, 'runs = %runs'))).toMatch(/2 runs of penguins/);
    expect(textOf(cellStarting(cells, '%models'))).toMatch(/penguins │ 2\s+│ multiclass │ mlp/);
    expect(textOf(cellStarting(cells, 'const gentoo'))).toMatch(/Gentoo/);
    expect(textOf(cellStarting(cells, '%drift features out/'))).toMatch(/Dataset drift detected: 5 of 5 columns drifted[\s\S]*body_mass\s+│ numeric[^\n]*DRIFT/);
    expect(textOf(cellStarting(cells, '%drift features half'))).toMatch(/No dataset drift: 0 of 5 columns drifted/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml.match(/<testcase /g)).toHaveLength(cells.length);
    expect(xml).not.toMatch(/<failure/);
  }, 240_000);

  it('model-runtimes runs with `datakernel run`: two tfjs versions side by side, and batch scoring in 2 workers', async () => {
    const dir = workDir();
    const out = join(dir, 'out', 'model-runtimes.ipynb');
    const run = await datakernel(['run', join(dir, 'model-runtimes.ipynb'), out, '--cwd', dir, '-p', 'workers', '2']);
    expect(run.code, run.stderr).toBe(0);
    const cells = executed(out);
    expect(textOf(cellStarting(cells, '%models'))).toMatch(/churn_legacy +│ 1 +│ binary +│ mlp +│ adam +│ wasm +│ tfjs@4\.21\.0 wasm/);
    expect(textOf(cellStarting(cells, 'legacy = %train'))).toMatch(/Training churn_legacy \(mlp, tfjs@4\.21\.0 wasm, worker \d+\) .*100%.*done: 8 epochs/);
    expect(textOf(cellStarting(cells, "import { readFileSync }"))).toMatch(/churn_current trained in the kernel on tfjs 4\.22\.0; churn_legacy in a worker on tfjs 4\.21\.0/);
    expect(textOf(cellStarting(cells, 'runtimes = %runtimes'))).toMatch(/tfjs@4\.21\.0 wasm │ worker +│ \d+ +│ 4\.21\.0/);
    expect(textOf(cellStarting(cells, 'batch = %predict'))).toMatch(/200,000 rows in \d+ parts[\s\S]*rows\/s/);
    expect(existsSync(join(dir, 'out', 'runtimes', 'scored', '_manifest.json'))).toBe(true);
  }, 240_000);

  it('features-and-vectors runs with `datakernel run`: Redis feature store, point-in-time training, lookup serving, HNSW search', async () => {
    const dir = workDir();
    const out = join(dir, 'out', 'features-and-vectors.ipynb');
    const run = await datakernel(['run', join(dir, 'features-and-vectors.ipynb'), out, '--cwd', dir]);
    expect(run.code, run.stderr).toBe(0);
    const cells = executed(out);
    expect(textOf(cellStarting(cells, 'm = %features materialize'))).toMatch(/materialize users \(full\)[\s\S]*1,000/);
    expect(textOf(cellStarting(cells, 'const truth'))).toMatch(/recall@10 = (1|0\.9)/);
    expect(textOf(cellStarting(cells, "import { Redis }"))).toMatch(/[1-9]\d* keys removed/);
  }, 240_000);

  it('a notebook check that does not hold fails the run at that cell', async () => {
    const dir = workDir();
    const out = join(dir, 'out', 'model-loop.ipynb');
    const run = await datakernel(['run', join(dir, 'model-loop.ipynb'), out, '--cwd', dir, '-p', 'minAccuracy', '1.01']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/accuracy [\d.]+ < 1\.01/);
    const failing = codeCells(JSON.parse(readFileSync(out, 'utf8')) as Notebook).filter((c) => c.outputs?.some((o) => o.output_type === 'error'));
    expect(failing.map((c) => sourceOf(c).split('\n')[0])).toEqual(['for (const run of [softmax, mlp]) {']);
  }, 240_000);

  it('ingest-and-schema runs under `jupyter nbconvert --execute` with the datakernel kernelspec', async () => {
    jupyter = installTestKernel();
    const dir = workDir();
    jupyter.env.DATAKERNEL_PG_URI = await database();
    const result = await runJupyter(
      ['nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.timeout=300', '--output-dir', join(dir, 'out'), join(dir, 'ingest-and-schema.ipynb')],
      jupyter,
      { cwd: dir, timeoutMs: 240_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    checkIngestNotebook(executed(join(dir, 'out', 'ingest-and-schema.ipynb')));
  }, 240_000);
});

describe('secrets across the loop', () => {
  let jupyter: TestJupyter;
  let dir: string;
  beforeAll(() => {
    jupyter = installTestKernel({ name: 'datakernel-secrets' });
    dir = join(jupyter.root, 'project');
    mkdirSync(dir);
  });
  afterAll(() => jupyter.cleanup());

  it('a password from the environment appears in no output, history line or log', async () => {
    const secret = `pw${Math.random().toString(36).slice(2)}Secret`;
    const env: NodeJS.ProcessEnv = { ...jupyter.env, DK_SECRET_PW: secret };
    const notebook = join(dir, 'secrets.ipynb');
    const out = join(dir, 'secrets.out.ipynb');
    writeFileSync(
      notebook,
      JSON.stringify(
        notebookOf(
          code('connect', '%connect vault postgres://postgres:${DK_SECRET_PW}@127.0.0.1:5432/test'),
          code('list', '%connect'),
          code('query', '%%sql --on vault\nSELECT current_user AS who, 41 + 1 AS answer'),
          code('copy', '%%sql\nSELECT count(*) AS n FROM (SELECT 1)'),
          // A failing connection: its error message must not carry the password either.
          code('refused', 'try {\n  %connect broken postgres://postgres:${DK_SECRET_PW}@127.0.0.1:1/test\n} catch (error) {\n  console.log(String(error));\n}'),
          code('who', '%who'),
        ),
      ),
    );
    const run = await datakernel(['run', notebook, out, '--kernel', jupyter.kernelName, '--cwd', dir, '--log-output'], env);
    expect(run.code, run.stderr).toBe(0);
    const cells = executed(out);
    expect(textOf(cells[0])).toMatch(/Connected vault: postgres:\/\/postgres(:\*+)?@127\.0\.0\.1:5432\/test/);
    expect(textOf(cells[1])).toMatch(/vault\s+│ postgres/);
    expect(textOf(cells[2])).toMatch(/postgres\s+│ 42/);
    expect(textOf(cells[4])).toMatch(/127\.0\.0\.1:1/);
    const history = readFileSync(env.DATAKERNEL_HISTORY_FILE!, 'utf8');
    expect(history).toContain('%connect vault');
    const everything = { notebook: readFileSync(out, 'utf8'), history, stdout: run.stdout, stderr: run.stderr };
    for (const [where, text] of Object.entries(everything)) {
      expect(text.includes(secret), `password found in ${where}`).toBe(false);
    }
  }, 240_000);
});
