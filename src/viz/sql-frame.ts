import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { DataKernelError } from '../errors.js';
import { quoteIdent } from '../sql/identifiers.js';
import { plotValue, type Aggregate, type BoxStats, type ColumnKind, type Frame, type FrameColumn, type GroupKey } from './frame.js';

/** A relation (table name or relation expression) in a DuckDB connection: what %plot and QueryResult hand over. */
export interface SqlRelation {
  relation: string;
  connection: DuckDBConnection;
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL.*|INT\d*)$/i;
const TEMPORAL = /^(DATE|TIMESTAMP.*|DATETIME)$/i;

const kindOf = (type: string): ColumnKind => (NUMERIC.test(type) ? 'number' : TEMPORAL.test(type) ? 'date' : 'category');

const SQL_AGGREGATE: Record<Exclude<Aggregate, 'count'>, string> = { sum: 'sum', mean: 'avg', median: 'median', min: 'min', max: 'max' };

/** A DuckDB relation answering a chart's questions in SQL: only aggregates and samples come back. */
export class SqlFrame implements Frame {
  private schema: Promise<FrameColumn[]> | undefined;
  private rows: Promise<number> | undefined;

  constructor(private readonly source: SqlRelation) {}

  private async query(sql: string, values: DuckDBValue[] = []): Promise<unknown[][]> {
    const reader = await this.source.connection.runAndReadAll(sql, values);
    return reader.getRowsJS() as unknown[][];
  }

  private get from(): string {
    return `(SELECT * FROM ${this.source.relation}) AS t`;
  }

  private async column(name: string): Promise<string> {
    const columns = await this.columns();
    if (!columns.some((c) => c.name === name)) throw new DataKernelError(`No column '${name}'`, `Columns: ${columns.map((c) => c.name).join(', ')}`);
    return quoteIdent(name);
  }

  columns(): Promise<FrameColumn[]> {
    this.schema ??= this.query(`DESCRIBE SELECT * FROM ${this.from}`).then((rows) =>
      rows.map(([name, type]) => ({ name: String(name), kind: kindOf(String(type)) })),
    );
    return this.schema;
  }

  count(): Promise<number> {
    this.rows ??= this.query(`SELECT count(*) FROM ${this.from}`).then((rows) => Number(rows[0][0]));
    return this.rows;
  }

  async extent(column: string): Promise<{ min: number; max: number } | undefined> {
    const c = await this.column(column);
    const [[min, max]] = await this.query(`SELECT CAST(min(${c}) AS DOUBLE), CAST(max(${c}) AS DOUBLE) FROM ${this.from} WHERE isfinite(CAST(${c} AS DOUBLE))`);
    return min === null ? undefined : { min: Number(min), max: Number(max) };
  }

  async distinct(column: string, limit: number): Promise<unknown[]> {
    const c = await this.column(column);
    return (await this.query(`SELECT DISTINCT ${c} FROM ${this.from} LIMIT ${Math.floor(limit)}`)).map((row) => plotValue(row[0]));
  }

  async aggregate(keys: GroupKey[], agg: Aggregate, measure?: string): Promise<unknown[][]> {
    const values: DuckDBValue[] = [];
    const where: string[] = [];
    const selected: string[] = [];
    for (const key of keys) {
      const c = await this.column(key.column);
      if (key.step === undefined) {
        selected.push(c);
        continue;
      }
      selected.push(`CAST(floor((CAST(${c} AS DOUBLE) - ?) / ?) AS BIGINT)`);
      values.push(key.origin ?? 0, key.step);
      where.push(`isfinite(CAST(${c} AS DOUBLE))`);
    }
    const m = measure === undefined ? undefined : await this.column(measure);
    const value = m === undefined ? 'count(*)' : agg === 'count' ? `count(${m})` : `CAST(${SQL_AGGREGATE[agg]}(${m}) AS DOUBLE)`;
    const sql = `SELECT ${[...selected, value].join(', ')} FROM ${this.from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}${selected.length ? ` GROUP BY ALL` : ''}`;
    return (await this.query(sql, values)).map((row) => row.map(plotValue));
  }

  async sample(columns: string[], limit: number, orderBy?: string): Promise<unknown[][]> {
    const selected = await Promise.all(columns.map((c) => this.column(c)));
    const sampled = (await this.count()) > limit ? ` USING SAMPLE reservoir(${Math.floor(limit)} ROWS) REPEATABLE (42)` : '';
    const order = orderBy === undefined ? '' : ` ORDER BY ${await this.column(orderBy)} NULLS LAST`;
    const rows = await this.query(`SELECT ${selected.join(', ')} FROM (SELECT ${selected.join(', ')} FROM ${this.from}${sampled}) AS s${order}`);
    return rows.map((row) => row.map(plotValue));
  }

  async boxStats(value: string, groups: string[]): Promise<BoxStats[]> {
    const v = `CAST(${await this.column(value)} AS DOUBLE)`;
    const g = await Promise.all(groups.map((c) => this.column(c)));
    const keys = g.map((c, i) => `${c} AS k${i}`);
    const join = g.length ? g.map((c, i) => `t.${c} IS NOT DISTINCT FROM s.k${i}`).join(' AND ') : 'true';
    const sql = `WITH s AS (
        SELECT ${[...keys, `quantile_cont(${v}, 0.25) AS q1`, `quantile_cont(${v}, 0.5) AS med`, `quantile_cont(${v}, 0.75) AS q3`, `avg(${v}) AS mean`, `count(${v}) AS n`].join(', ')}
        FROM ${this.from} WHERE isfinite(${v})${g.length ? ' GROUP BY ALL' : ''})
      SELECT ${[...g.map((_, i) => `s.k${i}`), 's.q1', 's.med', 's.q3', 's.mean', 's.n', `min(${v}) FILTER (WHERE ${v} >= s.q1 - 1.5 * (s.q3 - s.q1))`, `max(${v}) FILTER (WHERE ${v} <= s.q3 + 1.5 * (s.q3 - s.q1))`].join(', ')}
      FROM ${this.from} JOIN s ON ${join} WHERE isfinite(${v}) GROUP BY ALL`;
    return (await this.query(sql)).map((row) => {
      const [q1, median, q3, mean, count, lowerfence, upperfence] = row.slice(g.length).map(Number);
      return { keys: row.slice(0, g.length).map(plotValue), q1, median, q3, mean, count, lowerfence, upperfence };
    });
  }
}
