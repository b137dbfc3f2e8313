import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ParquetDestination } from '../ingest/destination.js';
import { describeParquet } from '../schema/describe.js';
import type { ColumnSchema } from '../schema/model.js';
import { quoteIdent, quoteLiteral } from '../sql/identifiers.js';
import type { Lsn } from './lsn.js';

/** Columns every change carries besides the row's own: what happened, where in the WAL, when, in what order. */
export const CHANGE_COLUMNS = ['_op', '_lsn', '_seq', '_commit_time', '_unchanged'] as const;
/** Columns the current state keeps besides the row's: the change that made the row what it is. */
export const STATE_COLUMNS = ['_lsn', '_commit_time'] as const;

const isMeta = (name: string) => (CHANGE_COLUMNS as readonly string[]).includes(name);

// Changes ordered across the log: by commit position, then by place in the transaction (_seq < 2^32).
const ORDER = `(_lsn::HUGEINT * 4294967296 + _seq)`;

/**
 * A CDC destination folder: `changes/` holds the change log (one Parquet part file per committed batch, each
 * moved into place whole), `current.parquet` the latest version of every row (deletes removed), compacted from
 * the log at the end of each run.
 */
export class ChangeLog {
  readonly changes: ParquetDestination;
  readonly current: ParquetDestination;

  constructor(readonly path: string) {
    this.changes = new ParquetDestination(join(path, 'changes'));
    this.current = new ParquetDestination(join(path, 'current.parquet'));
  }

  /** Puts right what a killed writer left (see ParquetDestination.recover). */
  recover(): void {
    this.changes.recover();
    this.current.recover();
  }

  /** The last commit position in the log: everything up to it is stored, whatever the catalog says. */
  async lastLsn(connection: DuckDBConnection): Promise<Lsn | undefined> {
    if (!this.changes.exists()) return undefined;
    const value = (await connection.runAndReadAll(`SELECT max(_lsn)::VARCHAR FROM ${this.changes.reader()}`)).getRows()[0][0];
    return value === null ? undefined : BigInt(String(value));
  }

  /** The row columns as stored (the current state's, else the log's), without the CDC columns. */
  async rowSchema(connection: DuckDBConnection): Promise<ColumnSchema[] | undefined> {
    const from = this.current.exists() ? this.current : this.changes.exists() ? this.changes : undefined;
    if (!from) return undefined;
    const columns = await describeParquet(connection, from.reader(), from.fileList());
    return columns.filter((c) => !isMeta(c.name)).map((c, i) => ({ ...c, position: i + 1 }));
  }

  /** Appends the rows of `select` (change columns first, then the row's) as one part file of the log. */
  async append(connection: DuckDBConnection, select: string): Promise<string[]> {
    return this.changes.write(connection, select, 'append', []);
  }

  /**
   * Rewrites the current state: the previous state plus every change after `after`, the latest version per
   * `key`, deletes removed, rows before the last truncate dropped, in the columns of `layout` (the source's
   * latest). Updates that left a TOASTed value out (listed in `_unchanged`, NULL when none) take it from the row's
   * previous version.
   */
  async compact(connection: DuckDBConnection, key: string[], layout: ColumnSchema[], after: Lsn | undefined): Promise<void> {
    const since = after === undefined ? '' : ` WHERE _lsn > ${after}::UBIGINT`;
    const previous = this.current.exists() ? `SELECT *, 'current' AS _op, 4294967295 AS _seq, NULL::VARCHAR[] AS _unchanged FROM ${this.current.reader()} UNION ALL BY NAME ` : '';
    const partition = key.map(quoteIdent).join(', ');
    const unchanged = this.changes.exists()
      ? Number((await connection.runAndReadAll(`SELECT count(*) FROM ${this.changes.reader()}${since ? `${since} AND` : ' WHERE'} len(_unchanged) > 0`)).getRows()[0][0])
      : 0;
    const value = (c: ColumnSchema) => {
      const name = quoteIdent(c.name);
      if (!unchanged || key.includes(c.name)) return name;
      // The last version that carried the value; struct_pack keeps a real NULL apart from a value left out.
      return `last_value(CASE WHEN coalesce(NOT list_contains(_unchanged, ${quoteLiteral(c.name)}), true) THEN struct_pack(v := ${name}) END IGNORE NULLS) OVER (PARTITION BY ${partition} ORDER BY _ord ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW).v AS ${name}`;
    };
    const log = this.changes.exists() ? `SELECT * FROM ${this.changes.reader()}${since}` : 'SELECT NULL::VARCHAR AS _op, NULL::UBIGINT AS _lsn, NULL::INTEGER AS _seq WHERE false';
    const union = `${previous}${log}`;
    const present = new Set((await connection.runAndReadAll(`DESCRIBE ${union}`)).getRows().map((r) => String(r[0])));
    // A column the source just added that no stored change carries yet is NULL in every row.
    const column = (c: ColumnSchema) => (present.has(c.name) ? value(c) : `NULL::${c.duckdbType} AS ${quoteIdent(c.name)}`);
    const sql = `
      WITH versions AS (SELECT *, ${ORDER} AS _ord FROM (${union})),
      cut AS (SELECT coalesce(max(_ord), -1) AS ord FROM versions WHERE _op = 'truncate'),
      live AS (SELECT versions.* FROM versions, cut WHERE _ord > cut.ord AND _op <> 'truncate'),
      filled AS (SELECT _op, _ord, _lsn, _commit_time, ${layout.map(column).join(', ')} FROM live),
      latest AS (SELECT * FROM filled QUALIFY row_number() OVER (PARTITION BY ${partition} ORDER BY _ord DESC) = 1)
      SELECT ${layout.map((c) => `CAST(${quoteIdent(c.name)} AS ${c.duckdbType}) AS ${quoteIdent(c.name)}`).join(', ')}, _lsn, _commit_time
      FROM latest WHERE _op <> 'delete'`;
    await this.current.write(connection, sql, 'overwrite', []);
  }
}

