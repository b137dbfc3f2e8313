import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { DataKernelError } from '../errors.js';
import { hasTag, newCell, type Notebook } from './notebook.js';

/** Parameter values by name, as JSON-compatible values. */
export type Parameters = Record<string, unknown>;

/** Where parameters come from; later sources override earlier ones, in papermill's order: files, YAML, raw, typed. */
export interface ParameterSources {
  /** YAML (or JSON) files of name: value (`-f`). */
  files?: string[];
  /** YAML strings (`-y`). */
  yaml?: string[];
  /** [name, value] pairs kept as strings (`-r`). */
  raw?: Array<[string, string]>;
  /** [name, value] pairs whose value is typed (`-p`). */
  typed?: Array<[string, string]>;
}

/**
 * Types a `-p` value the way papermill does, plus JSON: numbers, true/false (and True/False), null (and None),
 * JSON lists/objects/strings; anything else stays a string.
 */
export function parseParameterValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === 'True' || trimmed === 'true') return true;
  if (trimmed === 'False' || trimmed === 'false') return false;
  if (trimmed === 'None' || trimmed === 'null') return null;
  if (trimmed !== '' && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(trimmed)) return Number(trimmed);
  if (/^[[{"]/.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch {
      // Not JSON after all (e.g. "[draft] notes"): papermill keeps such values as strings too.
    }
  }
  return text;
}

function yamlMapping(text: string, where: string): Parameters {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new DataKernelError(`Cannot parse the parameters in ${where}: ${(error as Error).message}`, 'Write parameters as a YAML mapping, one `name: value` per line.');
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new DataKernelError(`The parameters in ${where} are not a mapping`, 'Write parameters as a YAML mapping, one `name: value` per line.');
  }
  return value as Parameters;
}

/** Merges every parameter source into one set of values. */
export function collectParameters(sources: ParameterSources): Parameters {
  const merged: Parameters = {};
  for (const file of sources.files ?? []) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new DataKernelError(`Cannot read the parameters file ${file}: ${(error as Error).message}`, 'Check the path given to -f.');
    }
    Object.assign(merged, yamlMapping(text, file));
  }
  for (const text of sources.yaml ?? []) Object.assign(merged, yamlMapping(text, '-y'));
  for (const [name, value] of sources.raw ?? []) merged[name] = value;
  for (const [name, value] of sources.typed ?? []) merged[name] = parseParameterValue(value);
  return merged;
}

function pythonLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : value > 0 ? "float('inf')" : value < 0 ? "float('-inf')" : "float('nan')";
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${JSON.stringify(k)}: ${pythonLiteral(v)}`).join(', ')}}`;
}

const writers: Record<string, (name: string, value: unknown) => string> = {
  typescript: (name, value) => `const ${name} = ${JSON.stringify(value)};`,
  python: (name, value) => `${name} = ${pythonLiteral(value)}`,
};
const comments: Record<string, string> = { typescript: '// Parameters', python: '# Parameters' };
const aliases: Record<string, string> = { ts: 'typescript', javascript: 'typescript', js: 'typescript', python3: 'python' };

/** The source of the injected-parameters cell in the kernel's language (TypeScript or Python). */
export function parametersSource(parameters: Parameters, language: string): string {
  const lang = aliases[language.toLowerCase()] ?? language.toLowerCase();
  const write = writers[lang];
  if (!write) {
    throw new DataKernelError(`Cannot write parameters for a ${language || 'unknown-language'} kernel`, 'Parameters are supported for TypeScript and Python kernels; run without -p/-f for others.');
  }
  const lines = Object.entries(parameters).map(([name, value]) => {
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new DataKernelError(`"${name}" is not a valid parameter name`, 'Parameter names are identifiers: letters, digits and _, not starting with a digit.');
    return write(name, value);
  });
  return [comments[lang], ...lines].join('\n');
}

/**
 * Inserts an `injected-parameters` cell after the cell tagged `parameters` (replacing one a previous run
 * injected), or at the top when no cell is tagged; returns a warning for the latter, as papermill does.
 */
export function injectParameters(notebook: Notebook, source: string): string | undefined {
  const cell = newCell(notebook, 'code', source, ['injected-parameters']);
  notebook.cells = notebook.cells.filter((c) => !hasTag(c, 'injected-parameters'));
  const at = notebook.cells.findIndex((c) => hasTag(c, 'parameters'));
  notebook.cells.splice(at + 1, 0, cell);
  return at < 0 ? 'The notebook has no cell tagged "parameters"; the parameters were injected at the top.' : undefined;
}
