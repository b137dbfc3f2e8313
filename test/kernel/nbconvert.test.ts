import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { installTestKernel, runJupyter, type TestJupyter } from '../helpers/jupyter.js';

let jupyter: TestJupyter;
beforeAll(() => {
  jupyter = installTestKernel();
});
afterAll(() => jupyter?.cleanup());

const cell = (source: string) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source });

it('executes a notebook with `jupyter nbconvert --to notebook --execute`', async () => {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: jupyter.kernelName, display_name: 'TypeScript (datakernel)', language: 'typescript' } },
    cells: [
      { cell_type: 'markdown', metadata: {}, source: '# A small notebook' },
      cell('const x: number = 2;\nconsole.log("x is", x);'),
      cell('await display.html("<i>hi</i>");\nx * 21'),
      cell('interface P { name: string }\nconst people: P[] = [{ name: "Ada" }];\npeople.map((p) => p.name)'),
    ].map((c, i) => ({ ...c, id: `cell-${i}` })),
  };
  writeFileSync(join(jupyter.workDir, 'small.ipynb'), JSON.stringify(notebook));
  const result = await runJupyter(['nbconvert', '--to', 'notebook', '--execute', 'small.ipynb', '--output', 'small.out.ipynb'], jupyter);
  expect(result.stderr).toContain('Writing');
  expect(result.code).toBe(0);
  const executed = JSON.parse(readFileSync(join(jupyter.workDir, 'small.out.ipynb'), 'utf8'));
  const [, first, second, third] = executed.cells;
  expect(first.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: ['x is 2\n'] }]);
  expect(second.outputs.map((o: { output_type: string }) => o.output_type)).toEqual(['display_data', 'execute_result']);
  expect(second.outputs[0].data['text/html']).toEqual(['<i>hi</i>']);
  expect(second.outputs[1]).toMatchObject({ execution_count: 2, data: { 'text/plain': ['42'] } });
  expect(third.outputs[0].data['text/plain']).toEqual(["[ 'Ada' ]"]);
  expect(executed.metadata.language_info).toMatchObject({ name: 'typescript', file_extension: '.ts' });
});
