import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { createTable, relationOf, type TableRef } from '../sql/column-writer.js';
import { quoteIdent, quoteLiteral } from '../sql/identifiers.js';

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

/** A value as a field of the CSV files the loader writes (null as \\N, unquoted). */
export const csvField = (value: string | null) => (value === null ? '\\N' : `"${value.includes('"') ? value.replace(/"/g, '""') : value}"`);

/**
 * Loads rows that arrive as text (what database drivers read fastest) into a typed DuckDB table: batches are
 * written to a temporary CSV file, so memory stays flat however big the table, and DuckDB loads it in bulk.
 */
export class TextLoader {
  private readonly dir = mkdtempSync(join(tmpdir(), 'dk-load-'));
  private readonly file = join(this.dir, 'rows.csv');
  private readonly out: WriteStream = createWriteStream(this.file);

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly target: TableRef,
    private readonly columns: TextColumn[],
  ) {}

  /** Appends a batch of rows (values as text or null, in column order). */
  async append(rows: (string | null)[][]): Promise<void> {
    if (rows.length === 0) return;
    let text = '';
    for (const row of rows) text += `${row.map(csvField).join(',')}\n`;
    if (!this.out.write(text)) await once(this.out, 'drain');
  }

  /** Appends rows already written as CSV lines (fields as `csvField` writes them), for drivers that convert in bulk. */
  async appendCsv(text: string): Promise<void> {
    if (text && !this.out.write(text)) await once(this.out, 'drain');
  }

  /** Loads what was appended into the target table, removes the file, and returns the rows loaded. */
  async finish(): Promise<number> {
    try {
      this.out.end();
      await once(this.out, 'close');
      if (this.columns.length === 0) return 0;
      return await loadTextCsv(this.connection, this.target, this.columns, this.file);
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  /** Removes the file after a failure. */
  abort(): void {
    this.out.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
