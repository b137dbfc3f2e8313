import type { DataFrame } from 'danfojs-node';
import type { MimeBundle } from '../display/mime.js';
import { DataKernelError } from '../errors.js';
import type { Session } from '../session/session.js';
import { displayLimit } from '../sql/display-limit.js';
import { quoteIdent, quoteLiteral } from '../sql/identifiers.js';
import { previewSql, runSql, type SqlParams } from '../sql/query.js';
import { resolveRelation } from '../sql/relation.js';
import type { VariableScope } from '../sql/register-value.js';
import { QueryResult } from '../sql/result.js';
import { resultBundle } from '../sql/result-bundle.js';

/** Aggregations `agg` knows by name; anything with a parenthesis is taken as an SQL expression. */
const AGGREGATES = new Set(['mean', 'avg', 'sum', 'min', 'max', 'count', 'median', 'std', 'stddev', 'var', 'first', 'last', 'nunique']);

function aggregate(column: string, fn: string): string {
  const col = quoteIdent(column);
  if (fn === 'mean') return `avg(${col})`;
  if (fn === 'std') return `stddev_samp(${col})`;
  if (fn === 'var') return `var_samp(${col})`;
  if (fn === 'nunique') return `count(DISTINCT ${col})`;
  return `${fn}(${col})`;
}

/** How `agg` names and computes outputs: `{ col: 'mean' }`, `{ col: ['min', 'max'] }` or `{ out: 'sum(a * b)' }`. */
export type AggSpec = Record<string, string | string[]>;

/** Join kinds for `join`. */
export type JoinHow = 'inner' | 'left' | 'right' | 'outer' | 'semi' | 'anti';

/**
 * A DataFrame whose rows stay in the embedded DuckDB: each verb builds SQL lazily, and nothing runs until the
 * frame is collected, converted or displayed. Expressions (filter, assign, agg) are DuckDB SQL; values go in
 * `params` and are bound, never spliced.
 */
export class Frame {
  private constructor(
    /** The session whose DuckDB runs the frame. */
    readonly session: Session,
    private readonly sql: string,
    private readonly params: Record<string, unknown>,
    // Results whose tables the SQL reads: held so that they are not garbage collected (and dropped) under it.
    private readonly retained: readonly QueryResult[] = [],
    // The rows are an aggregate's (one per group) or taken from one: few, each costing a pass over the input.
    private readonly aggregated = false,
  ) {}

  /** A frame over anything `resolveRelation` knows: a table, a file path/glob, a connection table, a variable. */
  static async from(session: Session, source: string, variables?: VariableScope): Promise<Frame> {
    return new Frame(session, `SELECT * FROM ${await resolveRelation(session, source, variables)}`, {});
  }

  /** A frame over a query result. */
  static of(result: QueryResult): Frame {
    return new Frame(result.session, `SELECT * FROM ${result.relation}`, {}, [result]);
  }

  /** A frame over an SQL query of the embedded DuckDB. */
  static sql(session: Session, query: string, params: Record<string, unknown> = {}): Frame {
    return new Frame(session, query, params);
  }

  private next(sql: string, params: Record<string, unknown> = {}, other?: Frame, aggregated = this.aggregated && !other): Frame {
    for (const [name, value] of Object.entries(params)) {
      if (Object.hasOwn(this.params, name) && this.params[name] !== value) {
        throw new DataKernelError(`Parameter $${name} is already bound to another value in this frame`, 'Give each parameter of a chain its own name.');
      }
    }
    return new Frame(this.session, sql, { ...this.params, ...params }, other ? [...this.retained, ...other.retained] : this.retained, aggregated);
  }

  private get from(): string {
    return `(${this.sql}) AS _frame`;
  }

  /** Rows where the SQL condition holds, e.g. `filter('age > $min', { min: 30 })`. */
  filter(condition: string, params?: Record<string, unknown>): Frame {
    return this.next(`SELECT * FROM ${this.from} WHERE ${condition}`, params);
  }

  /** Only these columns, in this order. */
  select(...columns: string[]): Frame {
    return this.next(`SELECT ${columns.map(quoteIdent).join(', ')} FROM ${this.from}`);
  }

  /**
   * Adds or replaces columns computed by SQL expressions, e.g. `assign({ bmi: 'weight / (height * height)' })`.
   * The expressions see the columns as they were before this call; assigned columns come last.
   */
  assign(columns: Record<string, string>, params?: Record<string, unknown>): Frame {
    const names = Object.keys(columns);
    // COLUMNS(lambda) keeps every other column whether or not the assigned ones exist yet (REPLACE needs them to).
    const keep = `COLUMNS(c -> c NOT IN (${names.map(quoteLiteral).join(', ')}))`;
    const added = names.map((n) => `${columns[n]} AS ${quoteIdent(n)}`).join(', ');
    return this.next(`SELECT ${keep}, ${added} FROM ${this.from}`, params);
  }

  /** Same as `assign` (dplyr's name). */
  mutate(columns: Record<string, string>, params?: Record<string, unknown>): Frame {
    return this.assign(columns, params);
  }

  /** Groups by key columns; finish with `.agg({...})`. */
  groupBy(...keys: string[]): GroupedFrame {
    return new GroupedFrame(this, keys);
  }

  /** @internal Aggregates by keys (used by GroupedFrame). */
  aggregateBy(keys: string[], spec: AggSpec): Frame {
    const outputs: string[] = [];
    for (const [name, fns] of Object.entries(spec)) {
      for (const fn of Array.isArray(fns) ? fns : [fns]) {
        if (fn.includes('(')) outputs.push(`${fn} AS ${quoteIdent(name)}`);
        else if (AGGREGATES.has(fn)) outputs.push(`${aggregate(name, fn)} AS ${quoteIdent(`${name}_${fn}`)}`);
        else throw new DataKernelError(`Unknown aggregation '${fn}' for ${name}`, `Use one of ${[...AGGREGATES].join(', ')}, or an SQL expression like 'sum(a * b)'.`);
      }
    }
    const keyList = keys.map(quoteIdent).join(', ');
    const select = [keyList, ...outputs].filter(Boolean).join(', ');
    return this.next(`SELECT ${select} FROM ${this.from}${keys.length ? ` GROUP BY ${keyList}` : ''}`, {}, undefined, true);
  }

  /** Aggregates the whole frame to one row: `agg({ price: ['min', 'max'] })`. */
  agg(spec: AggSpec): Frame {
    return this.aggregateBy([], spec);
  }

  /** Sorted by columns; prefix a name with '-' to sort descending: `sort('-total', 'name')`. */
  sort(...columns: string[]): Frame {
    const order = columns.map((c) => (c.startsWith('-') ? `${quoteIdent(c.slice(1))} DESC` : `${quoteIdent(c)} ASC`)).join(', ');
    return this.next(`SELECT * FROM ${this.from} ORDER BY ${order}`);
  }

  /** Joins another frame on shared column names (`on`), keeping one copy of the key columns. */
  join(other: Frame, on: string | string[], how: JoinHow = 'inner'): Frame {
    if (other.session !== this.session) throw new DataKernelError('Cannot join frames of two sessions', 'Build both frames in the same notebook session.');
    const keys = (Array.isArray(on) ? on : [on]).map(quoteIdent).join(', ');
    const kind = { inner: 'INNER', left: 'LEFT', right: 'RIGHT', outer: 'FULL OUTER', semi: 'SEMI', anti: 'ANTI' }[how];
    return this.next(`SELECT * FROM ${this.from} ${kind} JOIN (${other.sql}) AS _other USING (${keys})`, other.params, other);
  }

  /** The first n rows. */
  head(n = 5): Frame {
    return this.next(`SELECT * FROM ${this.from} LIMIT ${Math.max(0, Math.trunc(n))}`);
  }

  /** The SQL this frame runs (parameters appear as $name). */
  toSQL(): string {
    return this.sql;
  }

  /** The values bound to the frame's $name parameters. */
  sqlParams(): Record<string, unknown> {
    return { ...this.params };
  }

  private run(sql: string): Promise<QueryResult> {
    return runSql(this.session, sql, this.params as SqlParams);
  }

  /**
   * Runs the frame; the rows stay in DuckDB as a QueryResult (a temp table) to query again without running the
   * chain. Writing a big table is DuckDB's costliest step (it keeps min/max and distinct-count statistics of
   * every column): showing the frame or adding verbs needs none of it, so collect only what is read many times.
   */
  collect(): Promise<QueryResult> {
    return this.run(this.sql);
  }

  /** Number of rows. */
  async count(): Promise<number> {
    return (await this.preview(0)).totalRows;
  }

  /** Per-column statistics: type, min, max, distinct count, mean, std, quartiles, null percentage (DuckDB SUMMARIZE). */
  describe(): Promise<QueryResult> {
    return this.run(`SUMMARIZE ${this.sql}`);
  }

  /** Same as `describe`. */
  profile(): Promise<QueryResult> {
    return this.describe();
  }

  /** The rows as objects (all of them: `head(n)` first for big frames). */
  async toArray(): Promise<Record<string, unknown>[]> {
    return (await this.collect()).toArray();
  }

  /** The rows as a danfo DataFrame. */
  async toDanfo(): Promise<DataFrame> {
    return (await this.collect()).toDanfo();
  }

  /** Shows the first rows and the total count in one query, without materialising the frame. */
  async [Symbol.for('Jupyter.display')](): Promise<MimeBundle> {
    const { columns, rows, totalRows } = await this.preview(displayLimit(this.session));
    return resultBundle(columns, rows, totalRows, 'Frame');
  }

  private preview(limit: number) {
    return previewSql(this.session, this.sql, this.params as SqlParams, limit, { fewRows: this.aggregated });
  }
}

/** A frame grouped by key columns, waiting for `agg`. */
export class GroupedFrame {
  constructor(
    private readonly frame: Frame,
    private readonly keys: string[],
  ) {}

  /** One row per group: `agg({ bill: 'mean', n: 'count(*)' })`; named aggregations output `column_fn`. */
  agg(spec: AggSpec): Frame {
    return this.frame.aggregateBy(this.keys, spec);
  }

  /** Mean of each listed column per group. */
  mean(...columns: string[]): Frame {
    return this.agg(Object.fromEntries(columns.map((c) => [c, 'mean'])));
  }

  /** Rows per group, as column `count`. */
  size(): Frame {
    return this.agg({ count: 'count(*)' });
  }
}
