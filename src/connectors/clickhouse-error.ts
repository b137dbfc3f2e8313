import { DataKernelError } from '../errors.js';
import { caretAt, sourceError } from './source-error.js';
import { scrub } from './uri.js';

/** What a ClickHouse exception text says: its code, message, and the 1-based position of a syntax error. */
export interface ChException {
  code: number;
  message: string;
  position?: number;
}

const EXPECTED_SHOWN = 6;

/**
 * Reads a ClickHouse exception as the server writes it, old (`Code: 62, e.displayText() = DB::Exception: ...,
 * e.what() = DB::Exception`) or new (`Code: 62. DB::Exception: ... (SYNTAX_ERROR) (version 23.8)`); an
 * exception from another shard is unwrapped to the innermost one. Undefined for text that is not one.
 */
export function parseChException(text: string): ChException | undefined {
  const code = /Code: (\d+)/.exec(text);
  if (!code) return undefined;
  const at = text.lastIndexOf('DB::Exception: ');
  let message = at === -1 ? text : text.slice(at + 'DB::Exception: '.length);
  message = message
    .replace(/,\s*e\.what\(\) = DB::Exception\s*$/s, '')
    .replace(/\s*\([A-Z][A-Z0-9_]{2,}\)(\s*\(version [^)]*\))?\.?\s*$/s, '')
    .trim();
  // Old servers list every token the parser would have taken; a few say enough.
  message = message.replace(/Expected one of: ([^]*)$/, (_m, list: string) => {
    const items = list.replace(/[.\s]+$/, '').split(', ');
    return `Expected one of: ${items.slice(0, EXPECTED_SHOWN).join(', ')}${items.length > EXPECTED_SHOWN ? `, ... (${items.length - EXPECTED_SHOWN} more)` : ''}`;
  });
  const position = /failed at position (\d+)/.exec(message);
  return { code: Number(code[1]), message, ...(position ? { position: Number(position[1]) } : {}) };
}

const HINTS: Array<[number[], string]> = [
  [[62], 'Fix the SQL syntax at the marked position (the query runs on ClickHouse, in its own dialect).'],
  [[60], 'No such table: %connect NAME --tables lists the tables of a connection.'],
  [[81], 'The database does not exist: check the name at the end of the URI.'],
  [[47, 16], 'No such column: %schema NAME.db.table lists its columns.'],
  [[192, 193, 516], 'Check the user and password: put it in the URI as ${VAR} or env:VAR to read an environment variable, or add --password to be asked.'],
  [[394], 'The query was cancelled on the server (an interrupt or KILL QUERY).'],
  [[159, 160], 'The query ran past a time limit set on the server (max_execution_time).'],
  [[241], 'The query needed more memory than the server allows (max_memory_usage): filter or aggregate more on ClickHouse.'],
];

/** An error from ClickHouse (or from reaching it) as a DataKernelError naming the server, secrets scrubbed. */
export function clickhouseError(error: unknown, source: { displayUri: string; secrets: Array<string | undefined>; sql?: string }): DataKernelError {
  if (error instanceof DataKernelError) return error;
  const text = String((error as Error)?.message ?? error);
  const parsed = parseChException(text);
  if (!parsed) return sourceError(error, source);
  let message = scrub(parsed.message, source.secrets);
  if (source.sql && parsed.position !== undefined && parsed.position > 0) message += `\n\n${scrub(caretAt(source.sql, Math.min(parsed.position - 1, source.sql.length)), source.secrets)}`;
  const hint = HINTS.find(([codes]) => codes.includes(parsed.code))?.[1] ?? 'The query ran on ClickHouse itself; check it there.';
  return new DataKernelError(`${source.displayUri}: ClickHouse error ${parsed.code}: ${message}`, hint);
}
