import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { Session } from '../session/session.js';

export interface EmbeddedDuckDB {
  instance: DuckDBInstance;
  /** The connection cells and magics share, so views and temp tables are visible to all of them. */
  connection: DuckDBConnection;
}

/**
 * The session's embedded in-memory DuckDB, created on first use: importing @duckdb/node-api costs
 * start-up time that a kernel which never runs SQL should not pay.
 */
export function embeddedDuckDB(session: Session): Promise<EmbeddedDuckDB> {
  return session.service(
    'duckdb',
    async () => {
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      session.onInterrupt(() => connection.interrupt());
      return { instance, connection };
    },
    async (pending) => {
      const { connection, instance } = await pending;
      connection.closeSync();
      instance.closeSync();
    },
  );
}
