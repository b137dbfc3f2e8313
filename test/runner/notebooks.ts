import { execFileSync } from 'node:child_process';
import type { Notebook, NotebookCell } from '../../src/runner/index.js';

/** A code cell (nbformat 4.5, with an id). */
export const code = (id: string, source: string, tags?: string[]): NotebookCell => ({
  cell_type: 'code',
  id,
  metadata: tags ? { tags } : {},
  source,
  execution_count: null,
  outputs: [],
});

/** A notebook of these cells, saved with our kernelspec. */
export const notebookOf = (...cells: NotebookCell[]): Notebook => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: 'datakernel', display_name: 'TypeScript (datakernel)', language: 'typescript' } },
  cells,
});

/** Validates a notebook file with the official nbformat package; throws its message when invalid. */
export function validateNotebook(path: string): void {
  execFileSync('/usr/bin/python3', ['-c', 'import nbformat, sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))', path], { stdio: 'pipe' });
}

/** Text of every stream output of a cell. */
export const streamText = (cell: NotebookCell): string =>
  (cell.outputs ?? []).map((o) => (o.output_type === 'stream' ? o.text : '')).join('');
