import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Session } from '../session/session.js';
import { makeDirectory } from '../fs/make-directory.js';

/** The project's local catalog file: schema snapshots, experiment runs. */
export const catalogPath = (session: Session) => join(session.stateDir, 'catalog.duckdb');

const LOCK_RETRIES = 20;
const LOCK_WAIT_MS = 100;

/**
 * Runs `fn` on a connection to the catalog (.datakernel/catalog.duckdb), opened for this call only:
 * DuckDB lets one process hold a file, and a notebook kernel and a CI run may share a project.
 * Each owner creates its tables with CREATE TABLE IF NOT EXISTS.
 */
export async function withCatalog<T>(session: Session, fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  makeDirectory(session.stateDir);
  for (let attempt = 0; ; attempt++) {
    let instance;
    try {
      instance = await DuckDBInstance.create(catalogPath(session));
    } catch (error) {
      if (attempt < LOCK_RETRIES && /lock/i.test(String(error))) {
        await new Promise((resolve) => setTimeout(resolve, LOCK_WAIT_MS));
        continue;
      }
      throw error;
    }
    const connection = await instance.connect();
    try {
      return await fn(connection);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }
}

/**
 * `withCatalog` for the owner of the tables `ddl` creates (CREATE TABLE IF NOT EXISTS ...): every call makes
 * sure they exist, as a fresh project or an older catalog may lack them.
 */
export function catalogTables(ddl: string): <T>(session: Session, fn: (connection: DuckDBConnection) => Promise<T>) => Promise<T> {
  return (session, fn) =>
    withCatalog(session, async (connection) => {
      await connection.run(ddl);
      return fn(connection);
    });
}
