import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { DataKernelError } from '../errors.js';

/** One output of a code cell, as nbformat 4 stores it. */
export type NotebookOutput =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { output_type: 'display_data'; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: 'execute_result'; execution_count: number; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

/** A notebook cell (nbformat 4); fields this runner does not touch are kept as they are. */
export interface NotebookCell {
  cell_type: 'code' | 'markdown' | 'raw';
  id?: string;
  metadata: Record<string, unknown> & { tags?: string[] };
  source: string | string[];
  execution_count?: number | null;
  outputs?: NotebookOutput[];
  [other: string]: unknown;
}

/** An nbformat 4 notebook. */
export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, any>;
  cells: NotebookCell[];
}

const CELL_TYPES: Array<NotebookCell['cell_type']> = ['code', 'markdown', 'raw'];

/** Reads an .ipynb file; throws DataKernelError for anything that is not an nbformat 4 notebook. */
export function readNotebook(path: string): Notebook {
  let notebook: Notebook;
  try {
    notebook = JSON.parse(readFileSync(path, 'utf8')) as Notebook;
  } catch (error) {
    throw new DataKernelError(`Cannot read the notebook ${path}: ${(error as Error).message}`, 'Pass the path of an .ipynb file saved by Jupyter.');
  }
  if (notebook?.nbformat !== 4 || !Array.isArray(notebook.cells)) {
    throw new DataKernelError(`${path} is not an nbformat 4 notebook`, 'Open and save it with Jupyter (or `jupyter nbconvert --to notebook`) to upgrade it.');
  }
  // A cell the runner would skip or choke on is named here, before any cell runs.
  notebook.cells.forEach((cell, index) => {
    const fix = 'Fix that cell in the .ipynb, or open and save the notebook with Jupyter.';
    if (!CELL_TYPES.includes(cell?.cell_type)) {
      throw new DataKernelError(`${path}: cell ${index + 1} has cell_type ${JSON.stringify(cell?.cell_type)}; nbformat 4 knows ${CELL_TYPES.join(', ')}`, fix);
    }
    const source: unknown = cell.source;
    if (typeof source !== 'string' && !(Array.isArray(source) && source.every((line) => typeof line === 'string'))) {
      throw new DataKernelError(`${path}: cell ${index + 1} has a source that is ${source === null ? 'null' : typeof source}; it must be a string or a list of strings`, fix);
    }
  });
  return notebook;
}

/** Writes the notebook atomically (a reader, or a crash, never sees half a file), in Jupyter's layout. */
export function writeNotebook(path: string, notebook: Notebook): void {
  const partial = `${path}.partial`;
  writeFileSync(partial, `${JSON.stringify(notebook, null, 1)}\n`);
  renameSync(partial, path);
}

/** The cell's source as one string. */
export function sourceText(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/** The first non-blank line of a cell's source, cut to `max` characters: how reports name a cell. */
export function firstLine(source: string, max: number): string {
  const line = (source.split('\n').find((l) => l.trim()) ?? '').trim();
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}

export function hasTag(cell: NotebookCell, tag: string): boolean {
  return Array.isArray(cell.metadata?.tags) && cell.metadata.tags.includes(tag);
}

/** A new cell; it gets an id when the notebook's format has them (nbformat 4.5+), as the schema requires. */
export function newCell(notebook: Notebook, cellType: 'code' | 'markdown', source: string, tags: string[]): NotebookCell {
  const cell: NotebookCell =
    cellType === 'code'
      ? { cell_type: 'code', metadata: { tags }, source, execution_count: null, outputs: [] }
      : { cell_type: 'markdown', metadata: { tags }, source };
  if (notebook.nbformat_minor >= 5) cell.id = randomBytes(4).toString('hex');
  return cell;
}
