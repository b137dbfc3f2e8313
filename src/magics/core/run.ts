import { extname } from 'node:path';
import { DataKernelError } from '../../errors.js';
import { defineMagic } from '../magic.js';
import { readUserFile } from './read-user-file.js';

const SCRIPT = new Set(['.ts', '.mts', '.tsx', '.js', '.mjs']);
const TYPESCRIPT_NAMES = new Set(['typescript', 'ts', 'javascript', 'js']);

interface Notebook {
  metadata?: { kernelspec?: { language?: string }; language_info?: { name?: string } };
  cells?: Array<{ cell_type?: string; source?: string | string[] }>;
}

/** The sources of a notebook's code cells, after checking it is a TypeScript notebook. */
export function notebookCode(text: string, typed: string): string[] {
  let notebook: Notebook;
  try {
    notebook = JSON.parse(text) as Notebook;
  } catch (error) {
    throw new DataKernelError(`%run: ${typed} is not valid notebook JSON (${(error as Error).message})`, 'Open it in Jupyter to repair it, or run a .ts file.');
  }
  const language = notebook.metadata?.language_info?.name ?? notebook.metadata?.kernelspec?.language;
  if (language && !TYPESCRIPT_NAMES.has(language.toLowerCase())) {
    throw new DataKernelError(`%run: ${typed} is a ${language} notebook`, 'Only TypeScript notebooks run here; open it with its own kernel.');
  }
  return (notebook.cells ?? [])
    .filter((cell) => cell.cell_type === 'code')
    .map((cell) => (Array.isArray(cell.source) ? cell.source.join('') : (cell.source ?? '')))
    .filter((source) => source.trim());
}

export default defineMagic({
  name: 'run',
  kind: 'line',
  summary: 'Run a .ts file or every code cell of a .ipynb notebook in this session',
  description:
    'Runs the file\'s code as if typed into a cell (for a notebook, each code cell in order), so its ' +
    'variables, functions and classes are defined here afterwards. Imports resolve from %pwd. Stops at the first error.',
  args: { positionals: [{ name: 'file', description: 'a .ts/.js file or a TypeScript .ipynb notebook' }] },
  async run({ args }, ctx) {
    const [typed] = args.positionals;
    const extension = extname(typed).toLowerCase();
    if (extension !== '.ipynb' && !SCRIPT.has(extension)) {
      throw new DataKernelError(`%run: cannot run ${typed}`, 'Give a .ts, .js or .ipynb file.');
    }
    const { text } = readUserFile(ctx, 'run', typed);
    if (extension !== '.ipynb') {
      await ctx.evaluate(text);
      return;
    }
    const cells = notebookCode(text, typed);
    for (const [index, source] of cells.entries()) {
      try {
        await ctx.evaluate(source);
      } catch (error) {
        ctx.output.stream('stderr', `%run: code cell ${index + 1} of ${cells.length} in ${typed} failed:\n`);
        throw error;
      }
    }
  },
});
