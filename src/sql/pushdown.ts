import type { DuckDBConnection } from '@duckdb/node-api';
import type { RemoteTable } from './needed-columns.js';

/** How a remote source writes SQL: its names, literals and the few functions a pushed filter uses. */
export interface RemoteDialect {
  ident(name: string): string;
  /** A literal of a JS value (string, number, bigint, boolean, null); the dialect's own escaping. */
  literal(value: unknown): string;
  /** A date literal (text already checked to be YYYY-MM-DD). */
  date(text: string): string;
  like(column: string, pattern: string, negated: boolean): string;
  /** The table's qualified name as its source writes it. */
  readonly from: string;
}

/** A remote table the query reads, with the columns it has (nullable known) and how its source writes SQL. */
export interface PushdownTable extends RemoteTable {
  columns: { name: string; duckdbType: string; nullable?: boolean }[];
  dialect?: RemoteDialect;
}

/** A single-table GROUP BY over a remote table, to run on the source; the statement reads `into` instead. */
export interface PushedAggregate {
  table: PushdownTable;
  /** The query in the source's dialect. */
  sql: string;
  /** The temp table the statement now reads, and the DuckDB types its columns must have. */
  into: string;
  columns: { name: string; type: string }[];
}

export interface PushdownPlan {
  /** Conditions (in each source's dialect) the rows copied from a table must meet. */
  filters: Map<PushdownTable, string[]>;
  aggregates: PushedAggregate[];
  /** The statements to run in DuckDB: rewritten where an aggregate now comes from its source. */
  statements: string[];
}

/** A node of DuckDB's parsed statement (json_serialize_sql); only the parts pushdown reads are named. */
type Node = Record<string, unknown> & {
  class?: string;
  type?: string;
  alias?: string;
  children?: Node[];
  column_names?: string[];
  value?: { type?: { id?: string; type_info?: { scale?: number } | null }; is_null?: boolean; value?: unknown };
};

const AGGREGATES: Record<string, string> = { count_star: 'count', count: 'count', sum: 'sum', min: 'min', max: 'max', avg: 'avg' };
const COMPARISONS: Record<string, string> = {
  COMPARE_EQUAL: '=', COMPARE_NOTEQUAL: '!=', COMPARE_LESSTHAN: '<', COMPARE_GREATERTHAN: '>', COMPARE_LESSTHANOREQUALTO: '<=', COMPARE_GREATERTHANOREQUALTO: '>=',
};
const NUMERIC = /^(U?(TINYINT|SMALLINT|INTEGER|BIGINT)|FLOAT|DOUBLE|DECIMAL)/;

/** Every object in a parsed tree, depth first. */
function* walk(value: unknown): Generator<Node> {
  if (Array.isArray(value)) for (const item of value) yield* walk(item);
  else if (value && typeof value === 'object') {
    yield value as Node;
    for (const child of Object.values(value)) yield* walk(child);
  }
}

const isTable = (node: Node, table: RemoteTable) => {
  if (node.type !== 'BASE_TABLE') return false;
  const written = [node.catalog_name, node.schema_name, node.table_name].filter(Boolean).map((p) => String(p).toLowerCase());
  const { catalog, schema, table: name } = table.target;
  // A two-part name parses as schema.table; DuckDB, like loadConnectionTables, reads it as catalog.table.
  const names = [[catalog, schema, name], ...(schema === 'main' ? [[catalog, name]] : [])].map((p) => p.map((s) => s.toLowerCase()));
  return names.some((n) => n.length === written.length && n.every((part, i) => part === written[i]));
};

/** The tables of a FROM clause joined by inner (or cross) joins only; undefined when an outer join is among them. */
function innerTables(from: Node | undefined | null): Node[] | undefined {
  if (!from) return [];
  if (from.type !== 'JOIN') return [from];
  if (!['INNER', 'CROSS'].includes(String(from.join_type)) && from.ref_type !== 'CROSS') return undefined;
  if (!['REGULAR', 'CROSS'].includes(String(from.ref_type))) return undefined;
  const left = innerTables(from.left as Node);
  const right = innerTables(from.right as Node);
  return left && right ? [...left, ...right] : undefined;
}

const conjuncts = (where: Node | null | undefined): Node[] =>
  !where ? [] : where.class === 'CONJUNCTION' && where.type === 'CONJUNCTION_AND' ? where.children!.flatMap(conjuncts) : [where];

/** Translates DuckDB parse trees of simple predicates over one remote table into its source's SQL. */
class Translator {
  constructor(
    private readonly table: PushdownTable,
    private readonly dialect: RemoteDialect,
    /** The name the query knows the table by (its alias, or its name). */
    private readonly alias: string,
  ) {}

  column(node: Node): { name: string; duckdbType: string; nullable?: boolean } | undefined {
    if (node.class !== 'COLUMN_REF') return undefined;
    const parts = node.column_names ?? [];
    if (parts.length > 2 || (parts.length === 2 && parts[0].toLowerCase() !== this.alias.toLowerCase())) return undefined;
    const name = parts.at(-1)!.toLowerCase();
    return this.table.columns.find((c) => c.name.toLowerCase() === name);
  }

  /** A constant's value as a JS value, when it is exact (a decimal as its digits). */
  private constant(node: Node): { value: unknown; kind: 'number' | 'string' | 'null' | 'date' } | undefined {
    if (node.class === 'CAST' && (node.cast_type as Node)?.id === 'DATE' && !node.try_cast) {
      const inner = this.constant(node.child as Node);
      return inner?.kind === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(String(inner.value)) ? { value: inner.value, kind: 'date' } : undefined;
    }
    if (node.class !== 'CONSTANT' || !node.value) return undefined;
    const { type, is_null: isNull, value } = node.value;
    if (isNull) return { value: null, kind: 'null' };
    const id = type?.id ?? '';
    if (id === 'VARCHAR' && typeof value === 'string') return { value, kind: 'string' };
    if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/.test(id) && Number.isSafeInteger(value)) return { value, kind: 'number' };
    if (id === 'DOUBLE' && typeof value === 'number' && Number.isFinite(value)) return { value, kind: 'number' };
    if (id === 'DECIMAL' && Number.isSafeInteger(value)) {
      const scale = type?.type_info?.scale ?? 0;
      const digits = Math.abs(value as number).toString().padStart(scale + 1, '0');
      const text = `${(value as number) < 0 ? '-' : ''}${digits.slice(0, digits.length - scale)}${scale ? `.${digits.slice(-scale)}` : ''}`;
      return { value: Number(text), kind: 'number' };
    }
    return undefined;
  }

  /** A constant compared with `column`, in the source's SQL, when the types agree without casts. */
  private operand(node: Node, column: { duckdbType: string }): string | undefined {
    const constant = this.constant(node);
    if (!constant || constant.kind === 'null') return undefined;
    const type = column.duckdbType.toUpperCase();
    // ClickHouse (18.16) has no comparison of a Decimal with a Float64 literal (error 43): only whole numbers go.
    if (type.startsWith('DECIMAL')) return constant.kind === 'number' && Number.isInteger(constant.value) ? this.dialect.literal(constant.value) : undefined;
    if (NUMERIC.test(type)) return constant.kind === 'number' ? this.dialect.literal(constant.value) : undefined;
    if (type === 'DATE') return constant.kind === 'date' || (constant.kind === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(String(constant.value))) ? this.dialect.date(String(constant.value)) : undefined;
    if (type === 'VARCHAR' || type.startsWith('ENUM')) return constant.kind === 'string' ? this.dialect.literal(constant.value) : undefined;
    return undefined;
  }

  /** The predicate in the source's SQL, or undefined when any part of it is not a simple one over this table. */
  predicate(node: Node): string | undefined {
    if (node.class === 'CONJUNCTION') {
      const parts = node.children!.map((c) => this.predicate(c));
      return parts.every(Boolean) ? `(${parts.join(node.type === 'CONJUNCTION_AND' ? ' AND ' : ' OR ')})` : undefined;
    }
    if (node.class === 'COMPARISON' && COMPARISONS[String(node.type)]) {
      let [left, right] = [node.left as Node, node.right as Node];
      let op = COMPARISONS[String(node.type)];
      if (!this.column(left)) {
        [left, right] = [right, left];
        op = { '<': '>', '>': '<', '<=': '>=', '>=': '<=' }[op] ?? op;
      }
      const column = this.column(left);
      const value = column && this.operand(right, column);
      return column && value ? `(${this.dialect.ident(column.name)} ${op} ${value})` : undefined;
    }
    if (node.class === 'BETWEEN') {
      const column = this.column(node.input as Node);
      const low = column && this.operand(node.lower as Node, column);
      const high = column && this.operand(node.upper as Node, column);
      return column && low && high ? `(${this.dialect.ident(column.name)} BETWEEN ${low} AND ${high})` : undefined;
    }
    if (node.class === 'OPERATOR' && (node.type === 'OPERATOR_IS_NULL' || node.type === 'OPERATOR_IS_NOT_NULL')) {
      const column = this.column(node.children![0]);
      return column ? `(${this.dialect.ident(column.name)} ${node.type === 'OPERATOR_IS_NULL' ? 'IS NULL' : 'IS NOT NULL'})` : undefined;
    }
    if (node.class === 'OPERATOR' && (node.type === 'COMPARE_IN' || (node.type === 'COMPARE_NOT_IN'))) {
      const [first, ...list] = node.children!;
      const column = this.column(first);
      // NOT IN over a nullable column: sources differ on what NULL NOT IN (...) is.
      if (!column || (node.type === 'COMPARE_NOT_IN' && column.nullable !== false)) return undefined;
      const values = list.map((v) => this.operand(v, column));
      return values.every(Boolean) ? `(${this.dialect.ident(column.name)} ${node.type === 'COMPARE_IN' ? 'IN' : 'NOT IN'} (${values.join(', ')}))` : undefined;
    }
    if (node.class === 'FUNCTION' && (node.function_name === '~~' || node.function_name === '!~~')) {
      const [subject, pattern] = node.children!;
      const column = this.column(subject);
      const text = this.constant(pattern);
      // Backslash is an escape in some sources' LIKE and not in DuckDB's.
      if (!column || column.duckdbType !== 'VARCHAR' || text?.kind !== 'string' || String(text.value).includes('\\')) return undefined;
      return `(${this.dialect.like(this.dialect.ident(column.name), this.dialect.literal(text.value), node.function_name === '!~~')})`;
    }
    return undefined;
  }

  /** An aggregate or grouping key of the select list in the source's SQL. */
  selectItem(node: Node, keys: Set<string>): string | undefined {
    const column = this.column(node);
    if (column) return keys.has(column.name) ? this.dialect.ident(column.name) : undefined;
    if (node.class !== 'FUNCTION' || !AGGREGATES[String(node.function_name)] || node.filter || ((node.order_bys as { orders?: unknown[] })?.orders?.length ?? 0) > 0) return undefined;
    if (node.function_name === 'count_star') return 'count()';
    const args = node.children ?? [];
    const argument = args.length === 1 ? this.column(args[0]) : undefined;
    if (!argument) return undefined;
    if (node.distinct) return node.function_name === 'count' ? `uniqExact(${this.dialect.ident(argument.name)})` : undefined;
    // Over an all-NULL group sum gives 0 and avg nan on some sources, NULL in DuckDB: only NOT NULL columns.
    if (node.function_name !== 'count' && argument.nullable !== false) return undefined;
    if ((node.function_name === 'sum' || node.function_name === 'avg') && !NUMERIC.test(argument.duckdbType.toUpperCase())) return undefined;
    return `${AGGREGATES[String(node.function_name)]}(${this.dialect.ident(argument.name)})`;
  }
}

/** JSON of a parse tree; source positions (up to 2^64 - 1, past what JS numbers hold) are not needed to deparse. */
const parseTree = (json: string): unknown => JSON.parse(json.replace(/"query_location":\s*\d+/g, '"query_location":0'));

/** Deparses one parsed node (a SELECT_NODE) back into DuckDB SQL. */
async function deparse(connection: DuckDBConnection, node: Node): Promise<string> {
  const json = JSON.stringify({ error: false, statements: [{ node, named_param_map: [] }] });
  const reader = await connection.runAndReadAll('SELECT json_deserialize_sql($json::JSON)', { json });
  return String(reader.getRows()[0][0]);
}

let pushed = 0;

/**
 * What of `statements` can run on the sources of the remote tables they read, worked out on DuckDB's own parse
 * tree: each table read once, in a SELECT whose other tables are inner-joined, has the WHERE conjuncts that
 * only compare its columns with constants sent with its copy; and a subquery (or CTE) that is a single-table
 * GROUP BY over it with plain aggregates (count, sum, min, max, avg) runs on the source whole, the statement
 * then reading its few rows. Anything not understood stays in DuckDB: a filter is dropped from the pushdown,
 * never guessed at. Placeholder tables of `tables` (empty, with their real columns) must exist.
 */
export async function planPushdown(connection: DuckDBConnection, tables: PushdownTable[], statements: string[]): Promise<PushdownPlan> {
  const plan: PushdownPlan = { filters: new Map(), aggregates: [], statements: [...statements] };
  const pushable = tables.filter((t) => t.dialect);
  if (pushable.length === 0) return plan;
  const trees: Node[] = [];
  for (const statement of statements) {
    const parsed = await connection.runAndReadAll('SELECT json_serialize_sql($sql::VARCHAR)', { sql: statement });
    const json = parseTree(String(parsed.getRows()[0]?.[0] ?? '{}')) as { error?: boolean; statements?: { node?: Node }[] };
    if (json.error || json.statements?.length !== 1) return plan;
    trees.push(json.statements[0].node ?? {});
  }
  const rewritten = new Set<number>();
  for (const table of pushable) {
    const dialect = table.dialect!;
    const uses = trees.flatMap((tree, index) => [...walk(tree)].filter((n) => isTable(n, table)).map((ref) => ({ ref, index })));
    if (uses.length !== 1) continue;
    const [{ ref, index }] = uses;
    const select = [...walk(trees[index])].find((n) => n.type === 'SELECT_NODE' && innerTables(n.from_table as Node)?.includes(ref));
    if (!select) continue;
    const translator = new Translator(table, dialect, String(ref.alias || ref.table_name));
    const where = conjuncts(select.where_clause as Node);
    const conditions = where.map((c) => translator.predicate(c));
    const aggregate = select.from_table === ref ? await aggregateOf(connection, select, translator, conditions, table) : undefined;
    if (aggregate) {
      // The node becomes SELECT * FROM the temp table, in place (a subquery, CTE or the statement itself).
      for (const key of Object.keys(select)) delete select[key];
      const replacement = (await parseNode(connection, `SELECT * FROM temp.main.${quoteName(aggregate.into)}`))!;
      Object.assign(select, replacement);
      plan.aggregates.push(aggregate);
      rewritten.add(index);
      continue;
    }
    const pushedConditions = conditions.filter((c): c is string => c !== undefined);
    if (pushedConditions.length) plan.filters.set(table, pushedConditions);
  }
  for (const index of rewritten) plan.statements[index] = await deparse(connection, trees[index]);
  return plan;
}

const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function parseNode(connection: DuckDBConnection, sql: string): Promise<Node | undefined> {
  const parsed = await connection.runAndReadAll('SELECT json_serialize_sql($sql::VARCHAR)', { sql });
  return (parseTree(String(parsed.getRows()[0][0])) as { statements: { node: Node }[] }).statements[0]?.node;
}

/** The GROUP BY node as a query on the source, with the names and types DuckDB gives its columns. */
async function aggregateOf(connection: DuckDBConnection, select: Node, translator: Translator, conditions: (string | undefined)[], table: PushdownTable): Promise<PushedAggregate | undefined> {
  const groups = (select.group_expressions as Node[] | undefined) ?? [];
  if (groups.length === 0 || conditions.some((c) => c === undefined)) return undefined;
  if (select.having || select.qualify || select.sample || (select.modifiers as Node[]).length || ((select.cte_map as { map?: unknown[] })?.map?.length ?? 0) > 0) return undefined;
  if ((select.group_sets as unknown[][])?.length !== 1 || String(select.aggregate_handling) !== 'STANDARD_HANDLING') return undefined;
  const keys = groups.map((g) => translator.column(g)?.name);
  if (keys.some((k) => k === undefined)) return undefined;
  const items = (select.select_list as Node[]).map((item) => translator.selectItem(item, new Set(keys as string[])));
  if (items.some((i) => i === undefined)) return undefined;
  // Names and types as DuckDB would give them, asked of DuckDB over the empty placeholder.
  let described;
  try {
    described = (await connection.runAndReadAll(`DESCRIBE ${await deparse(connection, select)}`)).getRows();
  } catch {
    return undefined;
  }
  const columns = described.map(([name, type]) => ({ name: String(name), type: String(type) }));
  if (new Set(columns.map((c) => c.name.toLowerCase())).size !== columns.length) return undefined;
  const dialect = table.dialect!;
  const list = items.map((item, i) => `${item} AS ${dialect.ident(columns[i].name)}`).join(', ');
  const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
  const sql = `SELECT ${list} FROM ${dialect.from}${where} GROUP BY ${keys.map((k) => dialect.ident(k!)).join(', ')}`;
  return { table, sql, into: `__dk_push_${process.pid}_${++pushed}`, columns };
}
