import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = join(import.meta.dirname, '../../bin/datakernel.js');

// Through the built CLI: cells import the package's libraries by name, as a user's notebook does.
describe('libraries imported from cells', () => {
  it("resolve by package name from any folder and share the engine's session", () => {
    const script = [
      "import { currentSession } from 'datakernel/session'",
      "import { runSql } from 'datakernel/sql'",
      '%sql CREATE TABLE made_by_magic AS SELECT 42 AS answer',
      "const rows = await (await runSql(currentSession(), 'SELECT answer FROM made_by_magic')).toArray()",
      'rows[0].answer',
    ].join('\n');
    const run = spawnSync('node', [cli, 'repl'], { input: script, encoding: 'utf8', cwd: mkdtempSync(join(tmpdir(), 'dk-libs-')), timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim().split('\n').at(-1)).toBe('42');
  });

  it("require finds datakernel's own packages from a folder without node_modules, and names a missing one", () => {
    const script = [
      "require('apache-arrow').tableFromArrays({ n: Int32Array.from([1, 2]) }).numRows",
      "require.resolve('vega-datasets').includes('vega-datasets')",
      "(() => { try { return require('surely-not-installed-pkg') } catch (error) { return error.code } })()",
    ].join('\n');
    const run = spawnSync('node', [cli, 'repl'], { input: script, encoding: 'utf8', cwd: mkdtempSync(join(tmpdir(), 'dk-libs-')), timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim().split('\n')).toEqual(['2', 'true', "'MODULE_NOT_FOUND'"]);
  });
});
