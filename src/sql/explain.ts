import type { Session } from '../session/session.js';
import { dropPushedAggregates, loadConnectionTables } from './connection-tables.js';
import { embeddedDuckDB } from './duckdb.js';
import { quoteLiteral } from './identifiers.js';
import type { RunSqlOptions } from './query.js';
import { registerVariables } from './register-value.js';
import { splitStatements, tableReferences } from './sql-text.js';

/** What a %%sql cell would run where: the SQL sent to each remote source, and DuckDB's plan for the rest. */
export class SqlExplanation {
  constructor(
    readonly remote: { connection: string; sql: string }[],
    /** The statements DuckDB runs (after pushdown rewrote them), each with its physical plan. */
    readonly local: { statement: string; plan: string }[],
  ) {}

  toString(): string {
    const remote = this.remote.length ? this.remote.map((r) => `-- on ${r.connection}\n${r.sql}`).join('\n\n') : '(nothing)';
    const local = this.local.map((l) => `${l.statement}\n\n${l.plan}`).join('\n\n');
    return `Sent to remote sources:\n\n${remote}\n\nRun in DuckDB:\n\n${local}`;
  }
}

// Planned over the empty placeholders of remote tables: without this DuckDB proves them empty and plans nothing.
const PLANNING_WITHOUT = 'statistics_propagation';

/**
 * Works out what `runSql` would do with `sql` without reading any remote rows: which SQL goes to each remote
 * connection (with the filters, columns and aggregates pushed down to it) and DuckDB's plan for what it runs.
 */
export async function explainSql(session: Session, sql: string, options: RunSqlOptions = {}): Promise<SqlExplanation> {
  const statements = splitStatements(sql);
  const refs = tableReferences(sql);
  if (options.variables) await registerVariables(session, refs.filter((r) => r.parts.length === 1).map((r) => r.parts[0]), options.variables);
  const work = await loadConnectionTables(session, refs, statements, { dryRun: true });
  const { connection } = await embeddedDuckDB(session);
  const previous = String((await connection.runAndReadAll("SELECT current_setting('disabled_optimizers')")).getRows()[0][0] ?? '');
  await connection.run(`SET disabled_optimizers = ${quoteLiteral([previous, PLANNING_WITHOUT].filter(Boolean).join(','))}`);
  const local: { statement: string; plan: string }[] = [];
  try {
    for (const statement of work.statements ?? statements) {
      const plan = await connection.runAndReadAll(`EXPLAIN ${statement}`).then(
        (reader) => reader.getRows().map((row) => String(row[1])).join('\n'),
        (error: unknown) => `(DuckDB cannot plan this statement before the ones above run: ${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
      );
      local.push({ statement, plan });
    }
  } finally {
    await connection.run(`SET disabled_optimizers = ${quoteLiteral(previous)}`);
    // The empty stand-ins for pushed aggregates were only for planning.
    await dropPushedAggregates(connection, work);
  }
  return new SqlExplanation(work.sent, local);
}
