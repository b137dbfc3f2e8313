import type { DuckDBConnection } from '@duckdb/node-api';
import { appendColumns, createTable, relationOf, tempTable, writeColumns, type TableRef } from '../sql/column-writer.js';
import { quoteIdent, tempName } from '../sql/identifiers.js';

/** A source column as text on the wire, and the DuckDB type and conversion it lands as. */
export interface TextColumn {
  name: string;
  duckdbType: string;
  /** SQL turning the staged VARCHAR column (given quoted) into `duckdbType`. @default CAST(col AS type) */
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

// Staged text is converted and cleared every this many rows, so a big table never sits twice in memory.
const FLUSH_ROWS = 200_000;

/**
 * Loads rows that arrive as text (what database drivers read fastest) into a typed DuckDB table: rows are
 * appended to a VARCHAR staging table in data chunks, and DuckDB casts them into `target` in bulk.
 */
export class TextLoader {
  private staged = 0;
  private loaded = 0;
  private readonly staging = tempTable(tempName('staging'));

  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly target: TableRef,
    private readonly columns: TextColumn[],
  ) {}

  /** Creates (or replaces) `target` with the columns' types and an empty staging table. */
  static async open(connection: DuckDBConnection, target: TableRef, columns: TextColumn[]): Promise<TextLoader> {
    const loader = new TextLoader(connection, target, columns);
    const defs = columns.map((c) => `${quoteIdent(c.name)} ${c.duckdbType}`).join(', ');
    await connection.run(`${createTable(target)} (${defs})`);
    await writeColumns(connection, loader.staging, loader.stagingColumns([]));
    return loader;
  }

  private stagingColumns(rows: (string | null)[][]) {
    return this.columns.map((_, i) => ({ name: `c${i}`, sqlType: 'VARCHAR', values: rows.map((r) => r[i]) }));
  }

  /** Appends a batch of rows (values as text or null, in column order). */
  async append(rows: (string | null)[][]): Promise<void> {
    if (rows.length === 0) return;
    await appendColumns(this.connection, this.staging, this.stagingColumns(rows));
    this.staged += rows.length;
    if (this.staged >= FLUSH_ROWS) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.staged === 0) return;
    const select = this.columns
      .map((c, i) => typedFromText(c, quoteIdent(`c${i}`)))
      .join(', ');
    await this.connection.run(`INSERT INTO ${relationOf(this.target)} SELECT ${select} FROM ${relationOf(this.staging)}`);
    await this.connection.run(`TRUNCATE ${relationOf(this.staging)}`);
    this.loaded += this.staged;
    this.staged = 0;
  }

  /** Converts what is left and drops the staging table; returns the rows loaded. */
  async finish(): Promise<number> {
    try {
      await this.flush();
    } finally {
      await this.connection.run(`DROP TABLE IF EXISTS ${relationOf(this.staging)}`);
    }
    return this.loaded;
  }

  /** Drops the staging table after a failure. */
  async abort(): Promise<void> {
    await this.connection.run(`DROP TABLE IF EXISTS ${relationOf(this.staging)}`).catch(() => undefined);
  }
}
