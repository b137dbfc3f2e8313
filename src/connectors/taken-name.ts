import { DataKernelError } from '../errors.js';
import type { Session } from '../session/session.js';
import { embeddedDuckDB } from '../sql/duckdb.js';

/**
 * Stops a connection that would make table or view NAME of the embedded DuckDB (a stream's messages, a view over
 * files) when the user already has one by that name: it would be replaced. A connection of that name closed just
 * before has dropped its own.
 */
export async function refuseTakenName(session: Session, name: string, what: string): Promise<void> {
  const { connection } = await embeddedDuckDB(session);
  const taken = await connection.runAndReadAll(
    `SELECT 'table' FROM duckdb_tables() WHERE database_name = 'memory' AND schema_name = 'main' AND lower(table_name) = lower($1)
     UNION ALL SELECT 'view' FROM duckdb_views() WHERE database_name = 'memory' AND schema_name = 'main' AND lower(view_name) = lower($1)`,
    [name],
  );
  const kind = taken.getRows()[0]?.[0];
  if (kind !== undefined) {
    throw new DataKernelError(
      `DuckDB already has a ${String(kind)} named ${name}: connecting as ${name} would replace it with ${what}`,
      `Connect under another name (%connect ${name}_2 ...), or drop the ${String(kind)} first if it may go.`,
    );
  }
}
