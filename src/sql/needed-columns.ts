import type { DuckDBConnection } from '@duckdb/node-api';
import { createTable, type TableRef } from './column-writer.js';
import { quoteIdent, quoteLiteral } from './identifiers.js';
import { hasParameters, nameParts } from './sql-text.js';

/** A table of a remote connection that a query names, and the columns (with their DuckDB types) it has. */
export interface RemoteTable {
  target: TableRef;
  columns: { name: string; duckdbType: string }[];
}

/** A node of DuckDB's EXPLAIN (FORMAT JSON) plan. */
interface PlanNode {
  name?: string;
  extra_info?: { Table?: string; Projections?: string | string[] };
  children?: PlanNode[];
}

// While planning: filters stay above the scans, so the scans list the columns they filter on, and no scan of
// an empty placeholder is proven empty and dropped.
const PLANNING_WITHOUT = 'filter_pushdown,statistics_propagation';

/** Adds the columns each scan in `nodes` reads to `into`, keyed by the JSON of the table's name parts. */
function scans(nodes: PlanNode[], into: Map<string, Set<string>>): void {
  for (const node of nodes) {
    const table = node.extra_info?.Table;
    if (node.name === 'SEQ_SCAN' && table !== undefined) {
      const projections = node.extra_info?.Projections ?? [];
      // DuckDB writes the name as SQL, quoting parts where needed (pg.public."types").
      const key = JSON.stringify(nameParts(table).map((part) => part.name));
      const names = into.get(key) ?? new Set<string>();
      for (const name of Array.isArray(projections) ? projections : [projections]) if (name) names.add(name);
      into.set(key, names);
    }
    scans(node.children ?? [], into);
  }
}

/**
 * The columns each remote table must bring for `statements` to run, asked of DuckDB's own planner: each table
 * is created empty with its real columns, and the scans of EXPLAIN's plans list the columns they read. A wide
 * table queried for two columns then loads two. A table is missing from the answer (load all its columns)
 * when DuckDB cannot plan a statement beforehand (it has parameters, or uses a table an earlier statement
 * creates) or when no scan reads it (DESCRIBE, SUMMARIZE). A query that reads no column (count(*)) still
 * loads one, for the row count.
 */
export async function neededColumns(connection: DuckDBConnection, tables: RemoteTable[], statements: string[]): Promise<Map<RemoteTable, string[]>> {
  const needed = new Map<RemoteTable, string[]>();
  if (statements.some(hasParameters)) return needed;
  const read = new Map<string, Set<string>>();
  try {
    for (const { target, columns } of tables) {
      await connection.run(`${createTable(target)} (${columns.map((c) => `${quoteIdent(c.name)} ${c.duckdbType}`).join(', ')})`);
    }
    const previous = String((await connection.runAndReadAll("SELECT current_setting('disabled_optimizers')")).getRows()[0][0] ?? '');
    await connection.run(`SET disabled_optimizers = ${quoteLiteral([previous, PLANNING_WITHOUT].filter(Boolean).join(','))}`);
    try {
      for (const statement of statements) {
        const plan = await connection.runAndReadAll(`EXPLAIN (FORMAT JSON) ${statement}`);
        for (const [, json] of plan.getRows()) scans(JSON.parse(String(json)) as PlanNode[], read);
      }
    } finally {
      await connection.run(`SET disabled_optimizers = ${quoteLiteral(previous)}`);
    }
  } catch {
    // A statement DuckDB cannot plan yet: every table loads whole.
    return needed;
  }
  for (const table of tables) {
    const names = read.get(JSON.stringify([table.target.catalog, table.target.schema, table.target.table]));
    if (!names) continue;
    const kept = table.columns.filter((c) => names.has(c.name)).map((c) => c.name);
    needed.set(table, kept.length ? kept : table.columns.slice(0, 1).map((c) => c.name));
  }
  return needed;
}
