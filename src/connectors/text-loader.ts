import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBResultReader } from '@duckdb/node-api';
import { createTable, relationOf, tempTable, type TableRef } from '../sql/column-writer.js';
import { quoteIdent, quoteLiteral, tempName } from '../sql/identifiers.js';

/** A source column as text on the wire, and the DuckDB type and conversion it lands as. */
export interface TextColumn {
  name: string;
  duckdbType: string;
  /** SQL turning the text column (given quoted) into `duckdbType`. @default CAST(col AS type) */
  convert?: (column: string) => string;
}

/**
 * SQL turning the text expression `expr` into the column's type. DuckDB parses text into DECIMAL wider than 18
 * digits some 30 times slower than into DECIMAL(18,s), so values short enough to fit go through the narrow type.
 */
export function typedFromText(column: TextColumn, expr: string): string {
  if (column.convert) return column.convert(expr);
  const wide = /^DECIMAL\((\d+),(\d+)\)$/.exec(column.duckdbType);
  if (wide && Number(wide[1]) > 18 && Number(wide[2]) < 18) {
    // Integer digits (and a sign) that fit in 18 - scale leave DECIMAL(18,s) room for them.
    return `CASE WHEN length(split_part(${expr}, '.', 1)) <= ${18 - Number(wide[2])} THEN CAST(CAST(${expr} AS DECIMAL(18,${wide[2]})) AS ${column.duckdbType}) ELSE CAST(${expr} AS ${column.duckdbType}) END`;
  }
  return `CAST(${expr} AS ${column.duckdbType})`;
}

/**
 * Creates `target` from a CSV file of text values (NULL written as \N, as Postgres' COPY does): DuckDB parses
 * the file in parallel and casts each column to its type. Returns the rows loaded.
 */
export async function loadTextCsv(connection: DuckDBConnection, target: TableRef, columns: TextColumn[], file: string): Promise<number> {
  if (statSync(file).size === 0) {
    await connection.run(`${createTable(target)} (${columns.map((c) => `${quoteIdent(c.name)} ${c.duckdbType}`).join(', ')})`);
    return 0;
  }
  const names = columns.map((_, i) => `${quoteLiteral(`c${i}`)}: 'VARCHAR'`).join(', ');
  const typed = columns.map((c, i) => `${typedFromText(c, quoteIdent(`c${i}`))} AS ${quoteIdent(c.name)}`).join(', ');
  await connection.run(
    `${createTable(target)} AS SELECT ${typed} FROM read_csv(${quoteLiteral(file)}, auto_detect = false, header = false, ` +
      `delim = ',', quote = '"', escape = '"', nullstr = '\\N', allow_quoted_nulls = false, columns = {${names}})`,
  );
  const count = await connection.runAndReadAll(`SELECT count(*) FROM ${relationOf(target)}`);
  return Number(count.getRows()[0][0]);
}

/**
 * Creates `target` from lines of tab-separated text fields, none quoted, escaped or null (checked by the caller),
 * bound as one string that DuckDB splits and casts (`typedFromText`), rows in the text's order; then runs `then`
 * and returns its reader. A small result so loads in two statements, without a file or a row in JS.
 */
export async function loadPlainLines(connection: DuckDBConnection, target: TableRef, columns: TextColumn[], text: string, then: string): Promise<DuckDBResultReader> {
  const typed = columns.map((c, i) => `${typedFromText(c, `f[${i + 1}]`)} AS ${quoteIdent(c.name)}`).join(', ');
  // unnest keeps the list's order, and DuckDB's insertion order is kept (preserve_insertion_order): no sort needed.
  await connection.run(`${createTable(target)} AS SELECT ${typed} FROM (SELECT string_split(unnest(string_split($text, chr(10))), chr(9)) AS f)`, { text });
  return connection.runAndReadAll(then);
}

/** A value as a field of the CSV files the loader writes (null as \\N, unquoted). */
export const csvField = (value: string | null) => (value === null ? '\\N' : `"${value.includes('"') ? value.replace(/"/g, '""') : value}"`);

// Rows held in memory up to about this many bytes of text load through DuckDB's appender; past it they go to a
// file. A query's small result (an aggregate's few rows) then costs no file and no CSV parse: about half the
// fixed cost of loading it.
const MEMORY_BYTES = 1 << 20;

/**
 * Creates `target` from rows of text values appended to a VARCHAR staging table, cast with the same SQL as
 * the CSV path (`typedFromText`), then runs `then` in the same round trip and returns its reader.
 */
async function loadTextRows(connection: DuckDBConnection, target: TableRef, columns: TextColumn[], rows: (string | null)[][], then: string): Promise<DuckDBResultReader> {
  if (rows.length === 0) return connection.runAndReadAll(`${createTable(target)} (${columns.map((c) => `${quoteIdent(c.name)} ${c.duckdbType}`).join(', ')}); ${then}`);
  const staging = tempName('text_rows');
  const stagingRelation = relationOf(tempTable(staging));
  await connection.run(`CREATE TEMP TABLE ${quoteIdent(staging)} (${columns.map((_, i) => `${quoteIdent(`c${i}`)} VARCHAR`).join(', ')})`);
  try {
    const appender = await connection.createAppender(staging, 'main', 'temp');
    for (const row of rows) {
      for (const value of row) {
        if (value === null) appender.appendNull();
        else appender.appendVarchar(value);
      }
      appender.endRow();
    }
    appender.closeSync();
    const typed = columns.map((c, i) => `${typedFromText(c, quoteIdent(`c${i}`))} AS ${quoteIdent(c.name)}`).join(', ');
    return await connection.runAndReadAll(`${createTable(target)} AS SELECT ${typed} FROM ${stagingRelation}; DROP TABLE ${stagingRelation}; ${then}`);
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${stagingRelation}`);
  }
}

/**
 * Loads rows that arrive as text (what database drivers read fastest) into a typed DuckDB table. Rows are kept
 * in memory while they are few (and loaded through the appender); past MEMORY_BYTES they are written to a
 * temporary CSV file, so memory stays flat however big the table, and DuckDB loads it in bulk.
 */
export class TextLoader {
  private held: (string | null)[][] = [];
  private heldBytes = 0;
  private spill?: { dir: string; file: string; out: WriteStream };

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly target: TableRef,
    private readonly columns: TextColumn[],
  ) {}

  /** True while the rows are kept in memory: a driver appends rows (`append`) then, CSV text (`appendCsv`) after. */
  get inMemory(): boolean {
    return this.spill === undefined;
  }

  /** Appends a batch of rows (values as text or null, in column order). */
  async append(rows: (string | null)[][]): Promise<void> {
    if (rows.length === 0) return;
    if (this.inMemory) {
      for (const row of rows) for (const value of row) this.heldBytes += value === null ? 2 : value.length + 3;
      for (const row of rows) this.held.push(row);
      if (this.heldBytes > MEMORY_BYTES) await this.toFile();
      return;
    }
    let text = '';
    for (const row of rows) text += `${row.map(csvField).join(',')}\n`;
    await this.write(text);
  }

  /** Appends rows already written as CSV lines (fields as `csvField` writes them), for drivers that convert in bulk. */
  async appendCsv(text: string): Promise<void> {
    if (!text) return;
    await this.toFile();
    await this.write(text);
  }

  /** Loads what was appended into the target table, removes any file, and returns the rows loaded. */
  async finish(): Promise<number> {
    if (this.columns.length === 0) {
      this.abort();
      return 0;
    }
    const reader = await this.finishAndRead(`SELECT count(*) FROM ${relationOf(this.target)}`);
    return Number(reader.getRows()[0][0]);
  }

  /** Loads what was appended into the target table, then runs `sql` (e.g. reading its head) and returns its reader. */
  async finishAndRead(sql: string): Promise<DuckDBResultReader> {
    if (!this.spill) {
      const rows = this.held;
      this.held = [];
      return loadTextRows(this.connection, this.target, this.columns, rows, sql);
    }
    const { dir, file, out } = this.spill;
    try {
      out.end();
      await once(out, 'close');
      await loadTextCsv(this.connection, this.target, this.columns, file);
      return await this.connection.runAndReadAll(sql);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Removes the file after a failure. */
  abort(): void {
    this.held = [];
    if (!this.spill) return;
    this.spill.out.destroy();
    rmSync(this.spill.dir, { recursive: true, force: true });
  }

  /** Moves to the file: the rows held so far are written first. */
  private async toFile(): Promise<void> {
    if (this.spill) return;
    const dir = mkdtempSync(join(tmpdir(), 'dk-load-'));
    const file = join(dir, 'rows.csv');
    this.spill = { dir, file, out: createWriteStream(file) };
    const held = this.held;
    this.held = [];
    await this.append(held);
  }

  private async write(text: string): Promise<void> {
    if (!this.spill!.out.write(text)) await once(this.spill!.out, 'drain');
  }
}
