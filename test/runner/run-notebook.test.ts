import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { runNotebook, type Notebook, type NotebookCell } from '../../src/runner/index.js';
import { Session } from '../../src/session/session.js';
import { code, notebookOf, streamText, validateNotebook } from './notebooks.js';

const dir = mkdtempSync(join(tmpdir(), 'runner-run-'));
const engine = new Engine({ session: new Session(dir) });
afterAll(() => engine.shutdown());

const markdown: NotebookCell = { cell_type: 'markdown', id: 'md', metadata: { custom: 1 }, source: ['# Title\n', 'some *text*'], attachments: {} };
const raw: NotebookCell = { cell_type: 'raw', id: 'raw', metadata: { format: 'text/x-yaml' }, source: 'key: value\n' };
const read = (path: string): Notebook => JSON.parse(readFileSync(path, 'utf8')) as Notebook;

describe('runNotebook in-process', () => {
  it('injects parameters of every type after the parameters cell', async () => {
    const out = join(dir, 'params.ipynb');
    const nb = notebookOf(
      code('p', "const num = 1; const flag = false; const text = 'default'; const list: number[] = []; const obj = {}; const nothing: unknown = 'x';", ['parameters']),
      code('use', 'process.stdout.write(JSON.stringify({ num, flag, text, list, obj, nothing, types: [typeof num, typeof flag, typeof text, Array.isArray(list)] }))'),
    );
    const parameters = { num: 2.5, flag: true, text: 'it\'s "quoted"', list: [1, 2, 3], obj: { a: { b: [null] } }, nothing: null };
    const result = await runNotebook({ kernel: engine, notebook: nb, outputPath: out, parameters });
    expect(result.ok).toBe(true);
    const written = read(out);
    expect(written.cells.map((c) => c.metadata.tags ?? [])).toEqual([['parameters'], ['injected-parameters'], []]);
    expect(JSON.parse(streamText(written.cells[2]))).toEqual({ ...parameters, types: ['number', 'boolean', 'string', true] });
    expect(written.cells.map((c) => c.execution_count)).toEqual([1, 2, 3]);
    expect(written.metadata.datakernel.parameters).toEqual(parameters);
    validateNotebook(out);
  });

  it('stops at a failing cell, marks it, keeps markdown and raw cells, and writes a valid notebook', async () => {
    const out = join(dir, 'failing.ipynb');
    const nb = notebookOf(markdown, code('a', 'const before = 41;\nbefore + 1'), raw, code('b', "process.stdout.write('about to fail\\n');\nthrow new Error('boom')"), code('c', 'before'));
    const result = await runNotebook({ kernel: engine, notebook: nb, outputPath: out });
    expect(result.ok).toBe(false);
    expect(result.failed?.number).toBe(2);
    expect(result.cells.map((c) => c.status)).toEqual(['passed', 'failed', 'skipped']);
    expect(result.failed?.failure?.reason).toBe('cell 2 raised Error: boom');

    const written = read(out);
    validateNotebook(out);
    expect(written.cells.find((c) => c.id === 'md')).toEqual(markdown);
    expect(written.cells.find((c) => c.id === 'raw')).toEqual(raw);
    const [banner, , , , here, failed, skipped] = written.cells;
    expect(banner.metadata.tags).toEqual(['datakernel-error']);
    expect(String(banner.source)).toContain('href="#datakernel-error-cell"');
    expect(String(here.source)).toContain('id="datakernel-error-cell"');
    expect(failed.id).toBe('b');
    expect(failed.metadata.datakernel).toMatchObject({ status: 'failed', exception: true });
    expect(failed.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'about to fail\n' },
      expect.objectContaining({ output_type: 'error', ename: 'Error', evalue: 'boom' }),
    ]);
    expect(written.cells.find((c) => c.id === 'a')?.outputs).toEqual([{ output_type: 'execute_result', execution_count: 1, data: { 'text/plain': '42' }, metadata: {} }]);
    expect(skipped).toMatchObject({ id: 'c', execution_count: null, outputs: [] });
    expect(written.metadata.datakernel.exception).toBe(true);
  });

  it('runs on past failures with allowErrors, and a re-run of its output starts clean', async () => {
    const out = join(dir, 'allow.ipynb');
    const result = await runNotebook({ kernel: engine, notebook: notebookOf(code('a', "throw new TypeError('first')"), code('b', '"still runs"')), outputPath: out, allowErrors: true });
    expect(result.cells.map((c) => c.status)).toEqual(['failed', 'passed']);
    const again = read(out);
    expect(again.cells.some((c) => c.metadata.tags?.includes('datakernel-error'))).toBe(false);
    const rerun = await runNotebook({ kernel: engine, notebook: again, allowErrors: true });
    expect(rerun.cells.map((c) => c.status)).toEqual(['failed', 'passed']);
    expect(again.cells[1].outputs).toHaveLength(1);
  });

  it.each([
    ['a spinning loop', 'while (true) {}'],
    ['an await that never settles', 'await new Promise(() => {})'],
  ])('times out %s, keeps earlier state, and says so', async (_, source) => {
    const nb = notebookOf(code('a', 'let kept = "state";'), code('b', source), code('c', 'kept'));
    const result = await runNotebook({ kernel: engine, notebook: nb, timeoutMs: 1000 });
    expect(result.failed?.failure).toMatchObject({ reason: 'cell 2 timed out after 1s', ename: 'Timeout' });
    expect(result.cells[2].status).toBe('skipped');
    const after = await runNotebook({ kernel: engine, notebook: notebookOf(code('c', 'kept')) });
    expect(after.ok).toBe(true);
    expect(after.cells[0].status).toBe('passed');
  });

  it('updates displays in place across cells and honours clear_output(wait)', async () => {
    const nb = notebookOf(
      code('a', "display('first', { displayId: 'shared' });"),
      code('b', "await display.update('shared', 'second');\nclearOutput(true);\nvoid process.stdout.write('after clear\\n');"),
    );
    const result = await runNotebook({ kernel: engine, notebook: nb });
    expect(result.ok).toBe(true);
    expect(nb.cells[1].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'after clear\n' }]);
    const shown = nb.cells[0].outputs?.[0];
    expect(shown?.output_type === 'display_data' && shown.data['text/plain']).toMatch(/second/);
  });
});
