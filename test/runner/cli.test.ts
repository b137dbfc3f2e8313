import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Notebook } from '../../src/runner/index.js';
import { installTestKernel, runCommand, runJupyter } from '../helpers/jupyter.js';
import { code, notebookOf, streamText, validateNotebook } from './notebooks.js';

// The real CLI (`npm run build` first), with our kernelspec installed in a temp prefix on JUPYTER_PATH.
const jupyter = installTestKernel();
afterAll(() => jupyter.cleanup());
const cli = resolve('bin/datakernel.js');
const work = (name: string) => join(jupyter.workDir, name);
const run = (args: string[]) => runCommand(process.execPath, [cli, 'run', ...args], jupyter, { timeoutMs: 90_000 });
const save = (name: string, notebook: Notebook) => {
  writeFileSync(work(name), JSON.stringify(notebook));
  return work(name);
};
const read = (path: string): Notebook => JSON.parse(readFileSync(path, 'utf8')) as Notebook;
const python = (script: string, ...args: string[]) => JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, ...args], { encoding: 'utf8' }));

const parameterised = notebookOf(
  code('p', "const rate = 0.1; const region = 'none'; const tags: string[] = []; const id = 'x'; const opts = {};", ['parameters']),
  code('show', 'void process.stdout.write(JSON.stringify({ rate, region, tags, id, opts }));'),
  code('cwd', 'process.cwd()'),
);

describe('datakernel run', () => {
  it('takes -p, -r and -f parameters, writes a valid notebook, streams outputs with --log-output, exits 0', async () => {
    writeFileSync(work('params.yaml'), 'region: eu-west\ntags: [a, b]\nopts:\n  depth: 2\n');
    const out = work('params-out.ipynb');
    mkdirSync(work('project'));
    const result = await run([save('params.ipynb', parameterised), out, '-f', work('params.yaml'), '-p', 'rate', '0.25', '-r', 'id', '007', '--log-output', '--cwd', work('project')]);
    expect(result.code, result.stderr).toBe(0);
    const expected = { rate: 0.25, region: 'eu-west', tags: ['a', 'b'], id: '007', opts: { depth: 2 } };
    expect(JSON.parse(streamText(read(out).cells[2]))).toEqual(expected);
    expect(result.stderr).toContain(JSON.stringify(expected));
    // Not a terminal: plain progress lines with cell n/N.
    expect(result.stdout).toMatch(/\[4\/4\] ok in [\d.]+s/);
    expect(read(out).cells[3].outputs?.[0]).toMatchObject({ output_type: 'execute_result', data: { 'text/plain': `'${work('project')}'` } });
    validateNotebook(out);
  });

  it('fails on a failing cell: exit 1, source and traceback printed, JUnit report, marked notebook', async () => {
    const out = work('failing-out.ipynb');
    const junit = work('reports/junit.xml');
    const notebook = notebookOf(code('a', 'const ok = 1;'), code('b', "const answer = 42;\nthrow new RangeError('answer out of range')"), code('c', 'ok'));
    const result = await run([save('failing.ipynb', notebook), out, '--junit', junit]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Cell 2 failed: cell 2 raised RangeError: answer out of range');
    expect(result.stderr).toContain("const answer = 42;\nthrow new RangeError('answer out of range')");
    expect(result.stderr).toMatch(/RangeError: answer out of range\n\s+at /);
    validateNotebook(out);
    expect(read(out).cells.filter((c) => c.metadata.tags?.includes('datakernel-error'))).toHaveLength(2);

    const report = python(
      `import sys, json, xml.etree.ElementTree as ET
suite = ET.parse(sys.argv[1]).getroot().find('testsuite')
print(json.dumps({'attrs': suite.attrib, 'cases': [{'name': c.get('name'), 'failure': (c.find('failure').attrib | {'text': c.find('failure').text}) if c.find('failure') is not None else None, 'skipped': c.find('skipped') is not None} for c in suite.findall('testcase')]}))`,
      junit,
    );
    expect(report.attrs).toMatchObject({ name: 'failing.ipynb', tests: '3', failures: '1', skipped: '1' });
    expect(report.cases.map((c: { name: string }) => c.name)).toEqual(['cell 1: const ok = 1;', 'cell 2: const answer = 42;', 'cell 3: ok']);
    expect(report.cases[1].failure).toMatchObject({ type: 'RangeError', message: 'cell 2 raised RangeError: answer out of range' });
    expect(report.cases[1].failure.text).toContain('RangeError: answer out of range');
    expect(report.cases[2].skipped).toBe(true);
  });

  it('exits 2 with the problem and its fix when the run cannot start', async () => {
    const unknown = await run([save('any.ipynb', parameterised), '--kernel', 'no-such-kernel']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^Error: No Jupyter kernel named "no-such-kernel" \(installed: .*\)\nHint: Install it/);
    const odd = await run([work('any.ipynb'), '-p', 'rate']);
    expect(odd.code).toBe(2);
    expect(odd.stderr).toContain('Error: -p takes a NAME and a VALUE');
  });

  it('times a cell out with --timeout', async () => {
    const result = await run([save('spin.ipynb', notebookOf(code('a', 'while (true) {}'))), work('spin-out.ipynb'), '--timeout', '1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Cell 1 failed: cell 1 timed out after 1s');
  });

  it('turns process.exit in a cell into that cell\'s failure, and keeps the notebook', async () => {
    const out = work('exit-out.ipynb');
    const result = await run([save('exit.ipynb', notebookOf(code('a', 'const x = 1;'), code('b', 'process.exit(3)'), code('c', 'x'))), out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Cell 2 failed: .*process\.exit\(3\) would end the kernel/);
    validateNotebook(out);
    const cells = read(out).cells.filter((c) => c.cell_type === 'code');
    expect(cells[1].metadata.datakernel).toMatchObject({ status: 'failed' });
    expect(cells[1].outputs?.[0]).toMatchObject({ output_type: 'error', evalue: expect.stringMatching(/process\.exit\(3\)/) });
    expect(cells[0].execution_count).toBe(1);
  });

  it('reports a kernel that dies mid-run over ZeroMQ (--kernel) and still writes the notebook', async () => {
    const out = work('died-out.ipynb');
    const notebook = notebookOf(code('a', 'const x = 1;\nx'), code('b', "process.kill(process.pid, 'SIGKILL')"), code('c', 'x'));
    const result = await run([save('died.ipynb', notebook), out, '--kernel', jupyter.kernelName]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Cell 2 failed: kernel died while running cell 2: The kernel died (killed by SIGKILL');
    validateNotebook(out);
    const cells = read(out).cells.filter((c) => c.cell_type === 'code');
    expect(cells[0].outputs).toEqual([{ output_type: 'execute_result', execution_count: 1, data: expect.objectContaining({ 'text/plain': '1' }), metadata: {} }]);
    expect(cells[1].outputs?.[0]).toMatchObject({ output_type: 'error', ename: 'KernelDied' });
  });

  it('runs a Python notebook on ipykernel with --kernel python3: parameters in Python, outputs, a killed kernel', async () => {
    const notebook = notebookOf(
      code('p', "rate = 0\nnames = []", ['parameters']),
      code('a', "print(f'{rate * 2} {names}')\n{'sum': rate + len(names)}"),
      code('b', 'import os, signal\nos.kill(os.getpid(), signal.SIGKILL)'),
    );
    const out = work('python-out.ipynb');
    const result = await run([save('python.ipynb', notebook), out, '--kernel', 'python3', '-p', 'rate', '1.5', '-p', 'names', '["a","b"]']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('kernel died while running cell 4: The kernel died (killed by SIGKILL');
    const cells = read(out).cells;
    expect(cells.find((c) => c.metadata.tags?.includes('injected-parameters'))?.source).toBe('# Parameters\nrate = 1.5\nnames = ["a", "b"]');
    const shown = cells.find((c) => c.id === 'a')!;
    expect(streamText(shown)).toBe("3.0 ['a', 'b']\n");
    expect(shown.outputs?.at(-1)).toMatchObject({ output_type: 'execute_result', data: { 'text/plain': "{'sum': 3.5}" } });
    validateNotebook(out);
  });

  it('runs the same notebook under jupyter nbconvert --execute with our kernelspec', async () => {
    const path = save('nbconvert.ipynb', parameterised);
    const result = await runJupyter(['nbconvert', '--to', 'notebook', '--execute', '--output', 'nbconvert-out.ipynb', path], jupyter);
    expect(result.code, result.stderr).toBe(0);
    const out = work('nbconvert-out.ipynb');
    expect(existsSync(out)).toBe(true);
    expect(JSON.parse(streamText(read(out).cells[1]))).toEqual({ rate: 0.1, region: 'none', tags: [], id: 'x', opts: {} });
    validateNotebook(out);
  });
});
