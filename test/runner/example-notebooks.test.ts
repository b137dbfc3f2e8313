import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Notebook, NotebookCell } from '../../src/runner/index.js';
import { validateNotebook } from './notebooks.js';

/** Runs an example notebook as `npm run quickstart` does (from the repository root); returns its code cells. */
async function runExample(name: string, parameters: string[]): Promise<NotebookCell[]> {
  const out = join(mkdtempSync(join(tmpdir(), 'runner-examples-')), `${name}.ipynb`);
  const args = [resolve('bin/datakernel.js'), 'run', `notebooks/${name}.ipynb`, out, ...parameters];
  const result = await new Promise<{ code: number; stderr: string }>((done) =>
    execFile(process.execPath, args, { timeout: 150_000 }, (error, _stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stderr })),
  );
  expect(result.code, result.stderr).toBe(0);
  validateNotebook(out);
  const cells = (JSON.parse(readFileSync(out, 'utf8')) as Notebook).cells.filter((c) => c.cell_type === 'code');
  expect(cells.filter((c) => c.outputs?.some((o) => o.output_type === 'error'))).toEqual([]);
  return cells;
}

const text = (cell: NotebookCell | undefined): string =>
  (cell?.outputs ?? []).map((o) => (o.output_type === 'stream' ? o.text : o.output_type === 'error' ? '' : String(o.data['text/plain'] ?? ''))).join('\n');
const cellStarting = (cells: NotebookCell[], start: string) => cells.find((c) => (Array.isArray(c.source) ? c.source.join('') : c.source).startsWith(start));
const plotly = (cell: NotebookCell) => cell.outputs?.some((o) => o.output_type !== 'stream' && o.output_type !== 'error' && 'application/vnd.plotly.v1+json' in o.data);

describe('example notebooks', () => {
  // What README's first command runs (`npm run quickstart`): %sql and %plot on the embedded DuckDB, no server.
  it('quickstart runs headless with parameters and ends with its own checks passing', async () => {
    const cells = await runExample('quickstart', ['-p', 'species', 'Gentoo', '-p', 'topN', '3']);
    expect(cells.filter(plotly)).toHaveLength(2);
    expect(text(cells.at(-1))).toMatch(/Busiest airport: \w+ \(\d+ flights/);
  });

  // The whole loop on the machine's Postgres: schema, ingest, SQL, chart, train, predict, serve, drift.
  it('data-product-loop walks from a Postgres table to a served model and drift reports', async () => {
    const cells = await runExample('data-product-loop', ['-p', 'liveRows', '90']);
    expect(text(cellStarting(cells, '%ingest'))).toMatch(/344 rows pg\.public\.loop_penguins -> .*penguins\.parquet/);
    expect(text(cellStarting(cells, '%train'))).toMatch(/accuracy\s+│ (0\.9\d\d|1\.000)/);
    expect(text(cellStarting(cells, '// "Live" traffic'))).toContain('90 predictions over HTTP');
    expect(text(cellStarting(cells, '%drift'))).toMatch(/body_mass_g\s+│ numeric │ [^│]+│[^│]+│[^│]+│ DRIFT/);
    expect(text(cellStarting(cells, '%schema drift'))).toMatch(/body_mass_g │ INTEGER │ SMALLINT\s+│ BREAKING/);
  });
});
