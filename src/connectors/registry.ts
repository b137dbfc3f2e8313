import { DataKernelError } from '../errors.js';
import type { Session } from '../session/session.js';
import type { Connector } from './connector.js';
import { brokerOf } from '../streams/stream-uri.js';
import { redactText } from './uri.js';

export interface ConnectOptions {
  /** Password to use instead of the URI's (e.g. typed at a prompt). */
  password?: string;
  /** Folder relative file paths start from. @default session.projectDir */
  cwd?: string;
  /** Event streams: the NATS JetStream stream to read (`--stream`). */
  stream?: string;
  /** Event streams: the Kafka topic or MQTT topic filter to read (`--topic`). */
  topic?: string;
}

const connections = (session: Session) =>
  session.service(
    'connections',
    () => new Map<string, Connector>(),
    async (all) => {
      for (const connector of all.values()) await connector.close().catch(() => undefined);
      all.clear();
    },
  );

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Names DuckDB already gives a catalog or schema: a connection called so would shadow or be shadowed by it.
const RESERVED = new Set(['memory', 'temp', 'system', 'main', 'information_schema', 'pg_catalog']);

async function open(session: Session, name: string, uri: string, options: ConnectOptions): Promise<Connector> {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1]?.toLowerCase();
  const cwd = options.cwd ?? session.projectDir;
  if (scheme === 'postgres' || scheme === 'postgresql') return (await import('./postgres.js')).connectPostgres(session, name, uri, options.password);
  if (scheme === 'mysql' || scheme === 'mariadb') return (await import('./mysql.js')).connectMysql(session, name, uri, options.password);
  if (scheme === 'clickhouse' || scheme === 'clickhouses') return (await import('./clickhouse.js')).connectClickhouse(session, name, uri, options.password);
  if (brokerOf(uri)) return (await import('./stream.js')).connectStream(session, name, uri, { stream: options.stream, topic: options.topic }, options.password);
  if (scheme === 'duckdb') return (await import('./duckdb-file.js')).attachDuckDB(session, name, uri, cwd);
  if (scheme === undefined || scheme === 'file') return (await import('./files.js')).connectFiles(session, name, uri, cwd);
  throw new DataKernelError(`Unknown kind of source: ${scheme}://`, 'Use postgres://, mysql://, clickhouse://, duckdb:///path/file.duckdb, nats://, mqtt://, kafka://, or a file path/glob (.parquet, .csv, .json).');
}

/** Connects `uri` as `name` (replacing a connection of that name); its tables become NAME.schema.table in SQL. */
export async function connect(session: Session, name: string, uri: string, options: ConnectOptions = {}): Promise<Connector> {
  if (!NAME.test(name)) throw new DataKernelError(`Not a valid connection name: ${name}`, 'Use letters, digits and _ (it becomes an SQL name), e.g. %connect warehouse postgres://...');
  if (RESERVED.has(name.toLowerCase())) throw new DataKernelError(`${name} is a name DuckDB uses itself`, `Pick another connection name (not ${[...RESERVED].join(', ')}).`);
  const all = connections(session);
  const previous = all.get(name);
  if (previous) {
    all.delete(name);
    await previous.close();
  }
  const connector = await open(session, name, uri.trim(), options);
  all.set(name, connector);
  return connector;
}

/** The connection named `name`, or undefined. */
export const findConnection = (session: Session, name: string): Connector | undefined => connections(session).get(name);

/** The connection named `name`; an unknown name is a DataKernelError listing the known ones. */
export function getConnection(session: Session, name: string): Connector {
  const connector = findConnection(session, name);
  if (connector) return connector;
  const known = [...connections(session).keys()];
  throw new DataKernelError(
    `Unknown connection: ${redactText(name)}`,
    known.length ? `Connections: ${known.join(', ')}. Add one with %connect NAME URI.` : 'Add one with %connect NAME URI.',
  );
}

/** All connections, in the order they were made. */
export const listConnections = (session: Session): Connector[] => [...connections(session).values()];

/** Closes and forgets the connection `name`; its tables leave the embedded DuckDB. */
export async function disconnect(session: Session, name: string): Promise<void> {
  const connector = getConnection(session, name);
  connections(session).delete(name);
  await connector.close();
}
