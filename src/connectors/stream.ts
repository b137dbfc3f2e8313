import { DataKernelError } from '../errors.js';
import type { Session } from '../session/session.js';
import { relationOf, type TableRef } from '../sql/column-writer.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { openStream } from '../streams/open-stream.js';
import type { StreamSelector } from '../streams/stream-uri.js';
import { StreamTable, streamColumns } from '../streams/stream-table.js';
import type { Connector } from './connector.js';
import { refuseTakenName } from './taken-name.js';

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
  // Its messages become table NAME, rebuilt for every query.
  await refuseTakenName(session, name, "the stream's messages");
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
