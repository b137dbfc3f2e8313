import { DataKernelError } from '../errors.js';

const HINTS: Array<[RegExp, string]> = [
  [/^Parser Error/, 'Fix the SQL syntax at the marked position.'],
  [/^Catalog Error: (Table|View)/, 'Check the name: SHOW ALL TABLES lists tables; %connect lists connections, and connection tables are NAME.schema.table.'],
  [/^(Catalog|Binder) Error: Catalog "[^"]*" does not exist/, 'No connection or attached database of that name: %connect lists connections.'],
  [/^Catalog Error: Scalar Function|^Catalog Error: Table Function/, 'Check the function name (SELECT * FROM duckdb_functions() lists them).'],
  [/^Binder Error: Referenced column|^Binder Error: Values list/, 'Check the column name: DESCRIBE the table to list its columns.'],
  [/^Binder Error/, 'Check column names and types; add explicit casts where types differ.'],
  [/^Conversion Error/, 'A value does not fit the type: cast it explicitly or use TRY_CAST to get NULL instead.'],
  [/^IO Error|No files found/, 'Check that the file exists and the path is right (relative paths start at the working folder).'],
  [/^Invalid Input Error.*parameter|Could not find parameter/i, 'Every $name needs a value: define the variable name, or pass it in params.'],
  [
    /^Invalid Input Error: (No magic bytes found|File .* too small to be a Parquet file|Footer length error)/,
    'The file is not valid Parquet: truncated (a copy or a write that did not finish) or another format. Write it again, or read text files with read_csv / read_json.',
  ],
  [/^Invalid Input Error: Malformed JSON/, 'Fix the JSON at that place, or skip bad records with read_json(path, ignore_errors = true).'],
  [/^Constraint Error/, 'A row breaks a constraint (unique, not null, check) of the table.'],
  [/^Out of Memory Error/, 'Aggregate or filter before bringing rows into memory, or LIMIT the result.'],
  [/^INTERRUPT Error/, 'The query was interrupted.'],
];

/**
 * A DuckDB error as a DataKernelError: DuckDB's message keeps its "LINE n:" line with a caret under the
 * position. `prefix` is text we put before the user's statement (CREATE TEMP TABLE ... AS), removed again so
 * the caret points into what the user wrote.
 */
export function sqlError(error: unknown, options: { statement: number; statements: number; prefix?: string }): DataKernelError {
  let message = error instanceof Error ? error.message : String(error);
  if (options.prefix) {
    const marker = `LINE 1: ${options.prefix}`;
    const at = message.indexOf(marker);
    if (at !== -1) {
      const lines = message.slice(at).split('\n');
      lines[0] = lines[0].replace(options.prefix, '');
      if (lines[1]?.trim() === '^') lines[1] = lines[1].slice(options.prefix.length);
      message = message.slice(0, at) + lines.join('\n');
    }
  }
  message = message.trimEnd();
  if (options.statements > 1) message = `In statement ${options.statement + 1} of ${options.statements}: ${message}`;
  const hint = HINTS.find(([pattern]) => pattern.test(message.replace(/^In statement \d+ of \d+: /, '')))?.[1];
  return new DataKernelError(message, hint, { cause: error });
}
