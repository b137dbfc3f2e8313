import type { DuckDBConnection } from '@duckdb/node-api';
import type { RemoteTable } from './needed-columns.js';
import { tableReferences } from './sql-text.js';

/** The parts of DuckDB's parsed statement (json_serialize_sql) that a preview query is made of. */
interface ParsedNode {
  type?: string;
  modifiers?: { type?: string; limit?: ParsedConstant | null; offset?: ParsedConstant | null }[];
  cte_map?: { map?: unknown[] };
  select_list?: { class?: string }[];
  from_table?: { type?: string; catalog_name?: string; schema_name?: string; table_name?: string; sample?: unknown };
  where_clause?: unknown;
  group_expressions?: unknown[];
  having?: unknown;
  qualify?: unknown;
  sample?: unknown;
}

interface ParsedConstant {
  class?: string;
  value?: { is_null?: boolean; value?: unknown };
}

const constant = (expression: ParsedConstant | null | undefined): number | undefined => {
  if (!expression) return 0;
  const value = expression.class === 'CONSTANT' && !expression.value?.is_null ? Number(expression.value?.value) : NaN;
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
};

/** The parts a query may name `table` by: catalog.schema.table, or catalog.table for schema main. */
function namesOf(table: RemoteTable): string[][] {
  const { catalog, schema, table: name } = table.target;
  const parts = [[catalog, schema, name]];
  if (schema === 'main') parts.push([catalog, name]);
  return parts.map((p) => p.map((part) => part.toLowerCase()));
}

const sameName = (written: (string | undefined)[], table: RemoteTable) =>
  namesOf(table).some((name) => name.length === written.length && name.every((part, i) => part === written[i]?.toLowerCase()));

/**
 * The rows of `from` a preview needs: `SELECT *|columns FROM t LIMIT n [OFFSET m]` and nothing more (no WHERE,
 * grouping, ordering, DISTINCT, functions or CTEs) reads the first n + m rows in the table's order, which is the
 * order they load in. Anything else: undefined.
 */
function previewRows(node: ParsedNode, from: RemoteTable): number | undefined {
  const table = node.from_table;
  if (node.type !== 'SELECT_NODE' || table?.type !== 'BASE_TABLE' || table.sample) return undefined;
  // A two-part name parses as schema.table; DuckDB, like loadConnectionTables, reads it as catalog.table.
  if (!sameName([table.catalog_name, table.schema_name, table.table_name].filter(Boolean), from)) return undefined;
  if (node.where_clause || node.having || node.qualify || node.sample || node.group_expressions?.length || node.cte_map?.map?.length) return undefined;
  if (!node.select_list?.every((item) => item.class === 'STAR' || item.class === 'COLUMN_REF')) return undefined;
  if (node.modifiers?.length !== 1 || node.modifiers[0].type !== 'LIMIT_MODIFIER' || !node.modifiers[0].limit) return undefined;
  const limit = constant(node.modifiers[0].limit);
  const offset = constant(node.modifiers[0].offset);
  return limit === undefined || offset === undefined ? undefined : limit + offset;
}

/**
 * How many rows of each remote table `statements` need, for the tables only a preview reads: a cell showing
 * `SELECT * FROM pg.public.events LIMIT 10` loads 10 rows, not the whole table. A table that any other
 * statement or part of the query reads is missing from the answer (load every row).
 */
export async function previewLimits(connection: DuckDBConnection, tables: RemoteTable[], statements: string[]): Promise<Map<RemoteTable, number>> {
  const limits = new Map<RemoteTable, number>();
  const nodes: ParsedNode[] = [];
  for (const statement of statements) {
    const parsed = await connection.runAndReadAll('SELECT json_serialize_sql($sql::VARCHAR)', { sql: statement });
    const json = JSON.parse(String(parsed.getRows()[0]?.[0] ?? '{}')) as { error?: boolean; statements?: { node?: ParsedNode }[] };
    if (json.error || !json.statements) return limits;
    nodes.push(...json.statements.map((s) => s.node ?? {}));
  }
  for (const table of tables) {
    // Exactly one statement names the table, and it is a preview of it.
    const naming = statements.flatMap((statement, i) => (tableReferences(statement).some((ref) => sameName(ref.parts, table)) ? [i] : []));
    const rows = naming.length === 1 && nodes.length === statements.length ? previewRows(nodes[naming[0]], table) : undefined;
    if (rows !== undefined) limits.set(table, rows);
  }
  return limits;
}
