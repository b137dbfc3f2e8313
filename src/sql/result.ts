import type { DuckDBResultReader } from '@duckdb/node-api';
import type { Table } from 'apache-arrow';
import type { DataFrame } from 'danfojs-node';
import type { MimeBundle } from '../display/mime.js';
import { DataKernelError } from '../errors.js';
import type { Session } from '../session/session.js';
import { arrowTable } from './arrow.js';
import { relationOf, type TableRef } from './column-writer.js';
import { resultBundle } from './result-bundle.js';
import { displayLimit } from './display-limit.js';
import { embeddedDuckDB } from './duckdb.js';
import { quoteIdent } from './identifiers.js';
import { pendingRows, readyRows, type Rows } from './rows.js';
import { typeName } from './type-name.js';
import { plotsFor } from '../viz/plot.js';

/** A column of a query result: its name and DuckDB type (e.g. "BIGINT", "TIMESTAMP WITH TIME ZONE"). */
export interface ResultColumn {
  name: string;
  type: string;
}

// A result's temp table goes when nothing refers to the result any more, so long sessions do not pile them up.
// The tables of results collected together go in one round trip to DuckDB, not one each in front of the next
// queries.
const uncollected = new Map<Session, string[]>();
const dropWhenCollected = new FinalizationRegistry<{ session: Session; relation: string }>(({ session, relation }) => {
  const pending = uncollected.get(session);
  if (pending) {
    pending.push(relation);
    return;
  }
  uncollected.set(session, [relation]);
  setImmediate(() => {
    const relations = uncollected.get(session) ?? [];
    uncollected.delete(session);
    void embeddedDuckDB(session)
      .then(({ connection }) => connection.run(relations.map((r) => `DROP TABLE IF EXISTS ${r};`).join('\n')))
      .catch(() => undefined);
  });
});

/**
 * Rows read with every result (besides its count and types), so that a small result answers `toArray()`,
 * `rows()` and `column()` at once, without awaiting DuckDB; a bigger one still only reads this many.
 */
export const KEPT_ROWS = 1000;

/**
 * A query result kept in the embedded DuckDB (a temporary table): only what is asked for becomes JS values,
 * so a 10-million-row result shows its first rows without reading the rest.
 */
export class QueryResult {
  readonly #relation: string;
  #dropped = false;

  private constructor(
    /** The session whose embedded DuckDB holds the rows. */
    readonly session: Session,
    ref: TableRef,
    /** Rows in the result. */
    readonly numRows: number,
    /** Column names and DuckDB types, in order. */
    readonly columns: ResultColumn[],
    /** The first rows, read with the columns, so that showing or reading a small result takes no second query. */
    private readonly head: unknown[][],
  ) {
    this.#relation = relationOf(ref);
    dropWhenCollected.register(this, { session, relation: this.#relation }, this);
  }

  /** The quoted relation in the embedded DuckDB holding the rows; SELECT from it freely. */
  get relation(): string {
    if (this.#dropped) throw new DataKernelError('This result was dropped: its rows are gone', 'Run the query again to get them back.');
    return this.#relation;
  }

  /**
   * Frees the result's rows now rather than when the result is garbage collected: a loop making big
   * intermediate results reuses their memory instead of taking fresh memory for each.
   */
  async drop(): Promise<void> {
    if (this.#dropped) return;
    const relation = this.relation;
    this.#dropped = true;
    dropWhenCollected.unregister(this);
    const { connection } = await embeddedDuckDB(this.session);
    await connection.run(`DROP TABLE IF EXISTS ${relation}`);
  }

  /**
   * Wraps a table of the embedded DuckDB that the result owns: it is dropped once the result is garbage
   * collected.
   */
  static async fromTable(session: Session, ref: TableRef): Promise<QueryResult> {
    const { connection } = await embeddedDuckDB(session);
    return QueryResult.fromHead(session, ref, await connection.runAndReadAll(QueryResult.headQuery(session, ref)));
  }

  /**
   * The query that reads, in one go, what a result keeps of its table: the row count (first column), then the
   * columns with their types and the rows a display shows. Run right after the statement that made the table,
   * in the same round trip, it saves one; pass its reader to `fromHead`.
   */
  static headQuery(session: Session, ref: TableRef): string {
    const relation = relationOf(ref);
    return `SELECT (SELECT count(*) FROM ${relation}) AS "__dk_rows", * FROM ${relation} LIMIT ${keptRows(session)}`;
  }

  /** The result of table `ref` from the reader of its `headQuery`, run with the same display limit. */
  static fromHead(session: Session, ref: TableRef, reader: DuckDBResultReader): QueryResult {
    const rows = reader.getRowsJS() as unknown[][];
    const columns = reader.columnNames().slice(1).map((name, i) => ({ name, type: typeName(reader.columnType(i + 1)) }));
    return new QueryResult(session, ref, Number(rows[0]?.[0] ?? 0), columns, rows.map((row) => row.slice(1)));
  }

  /** Quick charts of this result, aggregated in DuckDB: `result.plot.bar({ x: 'region', y: 'amount' })`. */
  get plot() {
    // The chart keeps the result itself, so its table is not dropped while the chart can still be drawn.
    return plotsFor(this);
  }

  private async read(limit?: number, offset = 0, columns?: string[]) {
    const { connection } = await embeddedDuckDB(this.session);
    const list = columns ? columns.map(quoteIdent).join(', ') : '*';
    const window = limit === undefined ? '' : ` LIMIT ${Math.trunc(limit)} OFFSET ${Math.trunc(offset)}`;
    return connection.runAndReadAll(`SELECT ${list} FROM ${this.relation}${window}`);
  }

  /**
   * The first `n` rows (all when n is omitted) as objects; BIGINT columns are bigint, timestamps Date. Rows
   * among the first KEPT_ROWS are an array at once (`top.toArray().map(...)`); more must be read from DuckDB
   * first: `await top.toArray()` (which works for any size).
   */
  toArray(n?: number): Rows<Record<string, unknown>> {
    const asObject = (row: unknown[]) => Object.fromEntries(this.columns.map((c, i) => [c.name, row[i]]));
    return this.answer(`toArray(${n ?? ''})`, n, 0, (rows) => rows.map(asObject), async () => (await this.read(n)).getRowObjectsJS() as Record<string, unknown>[]);
  }

  /** The first `n` rows (all when omitted) from `offset` as arrays, columns in order; at once or awaited as toArray. */
  rows(n?: number, offset = 0): Rows<unknown[]> {
    return this.answer(`rows(${n ?? ''}${offset ? `, ${offset}` : ''})`, n, offset, (rows) => rows, async () => (await this.read(n, offset)).getRowsJS() as unknown[][]);
  }

  /** One column's values; at once or awaited as toArray. */
  column(name: string): Rows<unknown> {
    const index = this.columns.findIndex((c) => c.name === name);
    if (index < 0) throw new DataKernelError(`No column "${name}" in this result`, `Columns: ${this.columns.map((c) => c.name).join(', ')}`);
    return this.answer(`column(${JSON.stringify(name)})`, undefined, 0, (rows) => rows.map((row) => row[index]), async () => (await this.read(undefined, 0, [name])).getColumnsJS()[0] as unknown[]);
  }

  /**
   * Rows offset.. offset+n from the rows read with the result when they cover them (no query), else the read,
   * started only when awaited, with an error for use as an array that says what to write.
   */
  private answer<T>(call: string, n: number | undefined, offset: number, fromKept: (rows: unknown[][]) => T[], read: () => Promise<T[]>): Rows<T> {
    if (this.#dropped) {
      const dropped = () => new DataKernelError('This result was dropped: its rows are gone', 'Run the query again to get them back.');
      return pendingRows(() => Promise.reject(dropped()), dropped);
    }
    const from = Math.max(0, Math.trunc(offset));
    const end = n === undefined ? this.numRows : Math.min(this.numRows, from + Math.max(0, Math.trunc(n)));
    if (end <= this.head.length) return readyRows(fromKept(this.head.slice(from, end).map((row) => [...row])));
    return pendingRows(read, () => {
      const wanted = (end - from).toLocaleString('en-US');
      return new DataKernelError(
        `result.${call} asks for ${wanted} rows, more than the ${this.head.length.toLocaleString('en-US')} read with the result: the rest are still in DuckDB, so they must be awaited`,
        `Write \`(await result.${call}).map(...)\` (any size), or take the first rows at once with \`result.toArray(${Math.min(KEPT_ROWS, this.head.length)})\`; \`for await (const batch of result.batches())\` reads a big result in pieces.`,
      );
    });
  }

  /** The whole result as an apache-arrow Table (DECIMAL as Float64, timestamps in milliseconds). */
  async toArrow(): Promise<Table> {
    const values = (await this.read()).getColumnsJS() as unknown[][];
    return arrowTable(this.columns.map((c, i) => ({ ...c, values: values[i] ?? [] })));
  }

  /** The whole result as a danfo DataFrame (BIGINT values as numbers, as danfo has no int64). */
  async toDanfo(): Promise<DataFrame> {
    const { DataFrame } = await importDanfo();
    const values = (await this.read()).getColumnsJS() as unknown[][];
    const data: Record<string, unknown[]> = {};
    this.columns.forEach((c, i) => {
      data[c.name] = (values[i] ?? []).map((v) => (typeof v === 'bigint' ? Number(v) : v));
    });
    return new DataFrame(data as never);
  }

  /**
   * Rows in batches of `size` objects, read from DuckDB as they are consumed: each batch is a range of row ids,
   * which the scan seeks to, where LIMIT/OFFSET would skip every row before it (quadratic over a big result).
   */
  async *batches(size = 10_000): AsyncGenerator<Record<string, unknown>[]> {
    const { connection } = await embeddedDuckDB(this.session);
    const end = Number((await connection.runAndReadAll(`SELECT coalesce(max(rowid) + 1, 0) FROM ${this.relation}`)).getRows()[0][0]);
    const step = Math.max(1, Math.trunc(size));
    for (let from = 0; from < end; from += step) {
      const batch = await connection.runAndReadAll(`SELECT * FROM ${this.relation} WHERE rowid >= $from AND rowid < $to`, { from, to: from + step });
      if (batch.currentRowCount > 0) yield batch.getRowObjectsJS() as Record<string, unknown>[];
    }
  }

  /** MIME bundle: HTML table with types and the first rows, text/plain, and a Table Schema data resource. */
  async [Symbol.for('Jupyter.display')](): Promise<MimeBundle> {
    const limit = displayLimit(this.session);
    const rows = Math.min(limit, this.numRows) <= this.head.length ? this.head.slice(0, limit) : ((await this.read(limit)).getRowsJS() as unknown[][]);
    return resultBundle(this.columns, rows, this.numRows);
  }

  /** Short description for inspection in the REPL. */
  toString(): string {
    return `QueryResult(${this.numRows} rows × ${this.columns.map((c) => `${c.name} ${c.type}`).join(', ')})`;
  }
}

/** Rows each result reads with its head: enough to show it, and at least KEPT_ROWS to answer reads at once. */
const keptRows = (session: Session): number => Math.max(displayLimit(session), KEPT_ROWS);

/** danfo is an optional peer (its own install needs a native TensorFlow), so a missing one is named with the fix. */
async function importDanfo(): Promise<typeof import('danfojs-node')> {
  try {
    return await import('danfojs-node');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND' || !String(error).includes('danfojs-node')) throw error;
    throw new DataKernelError(
      'toDanfo() needs danfojs-node, which is not installed',
      'Install it beside datakernel (npm install danfojs-node), or read the rows with toArray(), toArrow() or a Frame.',
      { cause: error },
    );
  }
}
