import { DataKernelError } from '../errors.js';
import type { Session } from '../session/session.js';
import { relationOf, type TableRef } from '../sql/column-writer.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { openStream } from '../streams/open-stream.js';
import type { StreamSelector } from '../streams/stream-uri.js';
import { StreamTable, streamColumns } from '../streams/stream-table.js';
import type { Connector } from './connector.js';

/** A connected event stream: its messages are the table NAME in SQL, read from the broker for each query. */
export interface StreamConnector extends Connector {
  readonly kind: 'stream';
  /** The messages kept in the embedded DuckDB, topped up from the broker. */
  readonly messages: StreamTable;
  /** The table NAME of the embedded DuckDB that SQL reads. */
  readonly target: TableRef;
}

/** True for stream connections. */
export const isStreamConnector = (connector: Connector | undefined): connector is StreamConnector => connector?.kind === 'stream';

/** How many of the newest messages `columns()` (and so %schema) infers the stream's schema from. */
export const SCHEMA_SAMPLE = 1000;

/** `%connect NAME nats://... --stream S` (or mqtt://, kafka:// with --topic): the stream as table NAME. */
export async function connectStream(session: Session, name: string, uri: string, selector: StreamSelector, password?: string): Promise<StreamConnector> {
  await refuseTakenName(session, name);
  const source = await openStream(uri, selector, password);
  const messages = new StreamTable(session, name, source);
  const target: TableRef = { catalog: 'memory', schema: 'main', table: name };
  return {
    kind: 'stream',
    name,
    displayUri: source.displayUri,
    messages,
    target,
    tables: async () => [{ schema: 'main', name, kind: 'table' }],
    columns: async () => {
      await messages.refresh();
      return streamColumns(await messages.fields(SCHEMA_SAMPLE)).map(({ name, sourceType, duckdbType, nullable }) => ({ name, sourceType, duckdbType, nullable }));
    },
    query: async () => {
      throw new DataKernelError(`${name} is an event stream: it runs no SQL of its own`, `Query its messages in the embedded DuckDB instead: %%sql SELECT * FROM ${name}`);
    },
    copyInto: async (into) => {
      const rows = await messages.build(target);
      if (relationOf(into) !== relationOf(target)) {
        const { connection } = await embeddedDuckDB(session);
        await connection.run(`CREATE OR REPLACE ${into.catalog === 'temp' ? 'TEMP ' : ''}TABLE ${relationOf(into)} AS SELECT * FROM ${relationOf(target)}`);
      }
      return rows;
    },
    close: async () => {
      await messages.drop().catch(() => undefined);
      const { connection } = await embeddedDuckDB(session);
      await connection.run(`DROP TABLE IF EXISTS ${relationOf(target)}`).catch(() => undefined);
      await source.close();
    },
  };
}

/**
 * The stream's messages become table NAME of the embedded DuckDB, rebuilt for every query: a table or view of
 * the user's by that name would be replaced, so it stops the connect. (A connection of that name closed just
 * before has dropped its own.)
 */
async function refuseTakenName(session: Session, name: string): Promise<void> {
  const { connection } = await embeddedDuckDB(session);
  const taken = await connection.runAndReadAll(
    `SELECT 'table' FROM duckdb_tables() WHERE database_name = 'memory' AND schema_name = 'main' AND lower(table_name) = lower($1)
     UNION ALL SELECT 'view' FROM duckdb_views() WHERE database_name = 'memory' AND schema_name = 'main' AND lower(view_name) = lower($1)`,
    [name],
  );
  const kind = taken.getRows()[0]?.[0];
  if (kind !== undefined) {
    throw new DataKernelError(
      `DuckDB already has a ${String(kind)} named ${name}: connecting a stream as ${name} would replace it with the stream's messages`,
      `Connect it under another name (%connect ${name}_stream ...), or drop the ${String(kind)} first if it may go.`,
    );
  }
}
