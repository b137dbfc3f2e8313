import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Notebook } from '../../src/runner/index.js';
import { validateNotebook } from './notebooks.js';

// What README's first command runs (`npm run quickstart`, from the repository root): %sql and %plot on the
// embedded DuckDB, no server. The loop notebooks are tested in test/notebooks.
describe('notebooks/quickstart.ipynb', () => {
  it('runs headless with parameters and ends with its own checks passing', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'runner-quickstart-')), 'quickstart.ipynb');
    const args = [resolve('bin/datakernel.js'), 'run', 'notebooks/quickstart.ipynb', out, '-p', 'species', 'Gentoo', '-p', 'topN', '3'];
    const result = await new Promise<{ code: number; stderr: string }>((done) =>
      execFile(process.execPath, args, { timeout: 120_000 }, (error, _stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stderr })),
    );
    expect(result.code, result.stderr).toBe(0);
    validateNotebook(out);
    const cells = (JSON.parse(readFileSync(out, 'utf8')) as Notebook).cells.filter((c) => c.cell_type === 'code');
    expect(cells.filter((c) => c.outputs?.some((o) => o.output_type === 'error'))).toEqual([]);
    const charts = cells.filter((c) => c.outputs?.some((o) => o.output_type !== 'stream' && o.output_type !== 'error' && 'application/vnd.plotly.v1+json' in o.data));
    expect(charts).toHaveLength(2);
    const last = cells.at(-1)!.outputs!.at(-1);
    expect(last?.output_type === 'execute_result' && String(last.data['text/plain'])).toMatch(/Busiest airport: \w+ \(\d+ flights/);
  });
});
