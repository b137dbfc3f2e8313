import type { Connection, ConnectionOptions, FieldPacket, TypeCast } from 'mysql2';
import { Progress } from '../display/progress.js';
import { DataKernelError } from '../errors.js';
import type { Session } from '../session/session.js';
import { InFlightQueries } from './in-flight.js';
import { tempTable, type TableRef } from '../sql/column-writer.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { quoteIdent, quoteMysqlIdent, tempName } from '../sql/identifiers.js';
import { QueryResult } from '../sql/result.js';
import { nameParts, splitStatements } from '../sql/sql-text.js';
import type { Connector, CopyOptions, CopySource, SourceColumn, SourceTable } from './connector.js';
import { mysqlFieldType, mysqlTextColumn, mysqlTypeToDuckDB, type MysqlField } from './mysql-types.js';
import { isConnectionLost, sourceError } from './source-error.js';
import { TextLoader } from './text-loader.js';
import { parseSourceUri } from './uri.js';

const BATCH_ROWS = 20_000;
const PROGRESS_MIN_ROWS = 100_000;

// Every value as text: DuckDB casts text in bulk faster than JS converts each value. String and blob values come
// as bytes, because only the column's character set (not given to typeCast) tells binary from text.
const asText: TypeCast = (field) => {
  if (field.type === 'BIT' || /BLOB|STRING|GEOMETRY/.test(field.type)) return field.buffer();
  return field.string(field.type === 'JSON' ? 'utf8' : undefined);
};

const BINARY_CHARSET = 63;

/** A row as text: bytes of binary columns as hex (indexes in `binary`), of other columns as UTF-8. */
function textRow(row: unknown[], binary: ReadonlySet<number>): (string | null)[] {
  return row.map((v, i) => (v === null ? null : Buffer.isBuffer(v) ? v.toString(binary.has(i) ? 'hex' : 'utf8') : String(v)));
}

const binaryColumns = (fields: FieldPacket[]) =>
  new Set(fields.flatMap((f, i) => (f.characterSet === BINARY_CHARSET && f.columnType !== 245 ? [i] : [])));

/** A MySQL/MariaDB database: rows stream as text into DuckDB in batches. */
class MysqlConnector implements Connector {
  readonly kind = 'mysql';
  private client?: Promise<Connection>;
  /** Server thread of the open connection: what an interrupt cancels. */
  private thread?: number;
  private readonly inFlight: InFlightQueries;

  constructor(
    private readonly session: Session,
    readonly name: string,
    readonly displayUri: string,
    private readonly options: ConnectionOptions,
    private readonly database: string,
  ) {
    this.inFlight = new InFlightQueries(session, () => this.cancelRunning());
  }

  private fail(error: unknown, sql?: string) {
    if (isConnectionLost(error)) this.client = undefined;
    return sourceError(error, { displayUri: this.displayUri, secrets: [this.options.password], sql });
  }

  /** The open connection; a lost one is replaced on next use. */
  connection(): Promise<Connection> {
    this.client ??= (async () => {
      const { default: mysql } = await import('mysql2');
      const connection = mysql.createConnection({ ...this.options, timezone: 'Z', supportBigNumbers: true, bigNumberStrings: true });
      // A server that drops the connection emits 'error'; without a listener that would crash the kernel.
      connection.on('error', () => {
        this.client = undefined;
      });
      try {
        await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
        this.thread = connection.threadId;
        this.inFlight.arm();
        await new Promise<void>((resolve, reject) => connection.query("SET time_zone = '+00:00'", (error) => (error ? reject(error) : resolve())));
      } catch (error) {
        this.client = undefined;
        connection.destroy();
        throw this.fail(error);
      }
      return connection;
    })();
    return this.client;
  }

  /** Runs `work`, which sends SQL on the connection, as a query an interrupt cancels. */
  private async send<T>(work: (connection: Connection) => Promise<T>): Promise<T> {
    const connection = await this.connection();
    return this.inFlight.track(() => work(connection));
  }

  /** Cancels the connection's running query from a second connection; the connection stays usable. */
  private async cancelRunning(): Promise<void> {
    if (this.thread === undefined) return;
    const { default: mysql } = await import('mysql2/promise');
    const killer = await mysql.createConnection({ ...this.options, connectTimeout: 5000 });
    killer.on('error', () => undefined);
    try {
      await killer.query('KILL QUERY ?', [this.thread]);
    } finally {
      killer.destroy();
    }
  }

  private rows(sql: string, params: unknown[] = []): Promise<(string | null)[][]> {
    return this.send(
      (connection) =>
        new Promise((resolve, reject) =>
          connection.query({ sql, values: params, rowsAsArray: true, typeCast: asText }, (error, rows, fields) =>
            error ? reject(this.fail(error, sql)) : resolve((rows as unknown[][]).map((row) => textRow(row, binaryColumns(fields ?? [])))),
          ),
        ),
    );
  }

  /** Runs a statement for its effect; any rows it returns are dropped. */
  private execute(sql: string): Promise<void> {
    return this.send((connection) => new Promise((resolve, reject) => connection.query(sql, (error) => (error ? reject(this.fail(error, sql)) : resolve()))));
  }

  async tables(): Promise<SourceTable[]> {
    const rows = await this.rows(
      `SELECT table_schema, table_name, table_type FROM information_schema.tables
       WHERE table_schema NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') ORDER BY 1, 2`,
    );
    return rows.map(([schema, name, type]) => ({ schema: String(schema), name: String(name), kind: type === 'VIEW' ? 'view' : 'table' }));
  }

  /** Schema (database) and table of `table` or `db.table`; the default database is the URI's. */
  private split(table: string): [string, string] {
    const parts = nameParts(table).map((p) => p.name);
    if (parts.length > 2) throw new DataKernelError(`${table} has ${parts.length} parts; a MySQL table is database.table`, `Name it as ${this.name}.database.table in DuckDB SQL, or database.table here.`);
    return parts.length === 2 ? [parts[0], parts[1]] : [this.database, parts[0]];
  }

  async columns(table: string): Promise<SourceColumn[]> {
    const [schema, name] = this.split(table);
    const rows = await this.rows(
      `SELECT column_name, column_type, is_nullable, column_key FROM information_schema.columns
       WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position`,
      [schema, name],
    );
    return rows.map(([column, type, nullable, key]) => ({
      name: String(column),
      sourceType: String(type),
      duckdbType: mysqlTypeToDuckDB(String(type)),
      nullable: nullable === 'YES',
      ...(key === 'PRI' ? { key: true } : {}),
    }));
  }

  private async estimate(schema: string, table: string): Promise<number> {
    const [row] = await this.rows('SELECT table_rows FROM information_schema.tables WHERE table_schema = ? AND table_name = ?', [schema, table]);
    return Number(row?.[0] ?? 0);
  }

  /** Streams `sql` into `target`; returns rows loaded and whether the statement had a result set. */
  private stream(sql: string, params: unknown[], target: TableRef, progress?: Progress): Promise<{ rows: number; fields: number; affected: number }> {
    return this.send(async (connection) => {
      const query = connection.query({ sql, values: params, rowsAsArray: true, typeCast: asText });
      // The stream must exist before any await: a short result would otherwise end before anyone listens.
      const stream = query.stream({ highWaterMark: BATCH_ROWS });
      // mysql2 reports a connection lost mid-query (KILL, a server restart) on the connection only: its stream
      // would wait forever, so the loss ends the stream with that error.
      const lost = (error: Error) => stream.destroy(error);
      connection.once('error', lost);
      let fields: FieldPacket[] | undefined;
      let binary = new Set<number>();
      let affected = 0;
      query.on('fields', (f: FieldPacket[] | undefined) => {
        // Statements without a result set (UPDATE, INSERT) announce undefined fields.
        if (!f) return;
        fields = f;
        binary = binaryColumns(f);
      });
      query.on('result', (result: unknown) => {
        if (!Array.isArray(result)) affected = Number((result as { affectedRows?: number }).affectedRows ?? 0);
      });
      const { connection: duck } = await embeddedDuckDB(this.session);
      let loader: TextLoader | undefined;
      let batch: (string | null)[][] = [];
      let total = 0;
      try {
        for await (const row of stream) {
          if (!Array.isArray(row)) continue;
          batch.push(textRow(row, binary));
          if (batch.length >= BATCH_ROWS) {
            loader ??= new TextLoader(duck, target, fields!.map((f) => mysqlTextColumn(f.name, mysqlFieldType(f as MysqlField))));
            await loader.append(batch);
            total += batch.length;
            batch = [];
            progress?.update(total);
          }
        }
        if (!fields) return { rows: 0, fields: 0, affected };
        loader ??= new TextLoader(duck, target, fields.map((f) => mysqlTextColumn(f.name, mysqlFieldType(f as MysqlField))));
        await loader.append(batch);
        const rows = await loader.finish();
        loader = undefined;
        progress?.finish(`${rows.toLocaleString('en-US')} rows`);
        return { rows, fields: fields.length, affected };
      } catch (error) {
        loader?.abort();
        if (error instanceof Error && error.name === 'DataKernelError') throw error;
        throw this.fail(error, sql);
      } finally {
        connection.off('error', lost);
      }
    });
  }

  async copyInto(target: TableRef, source: CopySource, options: CopyOptions = {}): Promise<number> {
    if (!('table' in source)) return (await this.stream(source.sql, source.params ?? [], target)).rows;
    const [schema, table] = this.split(source.table);
    let progress: Progress | undefined;
    if (options.progress !== false) {
      const estimate = Math.min(await this.estimate(schema, table).catch(() => 0), options.limit ?? Infinity);
      if (estimate >= PROGRESS_MIN_ROWS) progress = new Progress({ label: `${this.name}.${source.table} → DuckDB`, total: estimate, unit: 'rows' });
    }
    const select = options.columns ? options.columns.map((c) => quoteMysqlIdent(c.name)).join(', ') : '*';
    const limit = options.limit === undefined ? '' : ` LIMIT ${Math.trunc(options.limit)}`;
    return (await this.stream(`SELECT ${select} FROM ${quoteMysqlIdent(schema)}.${quoteMysqlIdent(table)}${limit}`, [], target, progress)).rows;
  }

  /**
   * Runs SQL on MySQL itself. A script of several statements (a set-up cell) runs one statement at a time, as
   * the connection does not take several at once (that would widen what an injected value could do); the
   * last statement's rows are the result. Parameters go with a single statement.
   */
  async query(sql: string, params: unknown[] = []): Promise<QueryResult> {
    const statements = params.length > 0 ? [sql] : splitStatements(sql);
    for (const statement of statements.slice(0, -1)) await this.execute(statement);
    const target = tempTable(tempName('mysql'));
    const outcome = await this.stream(statements.at(-1) ?? sql, params, target);
    if (outcome.fields === 0) {
      // Statements without rows (INSERT, CREATE...) report the rows they changed.
      const { connection } = await embeddedDuckDB(this.session);
      await connection.run(`CREATE TEMP TABLE ${quoteIdent(target.table)} AS SELECT $affected::BIGINT AS ${quoteIdent('affected_rows')}`, { affected: outcome.affected });
    }
    return QueryResult.fromTable(this.session, target);
  }

  async close(): Promise<void> {
    this.inFlight.disarm();
    const pending = this.client;
    this.client = undefined;
    const connection = await pending?.catch(() => undefined);
    connection?.destroy();
    const { connection: duck } = await embeddedDuckDB(this.session);
    await duck.run(`DETACH DATABASE IF EXISTS ${quoteIdent(this.name)}`);
  }
}

/** `%connect NAME mysql://user[:password]@host[:port]/db`: checks the connection and attaches catalog NAME. */
export async function connectMysql(session: Session, name: string, uri: string, password?: string): Promise<Connector> {
  const { url, password: secret, display } = parseSourceUri(uri, password);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const options: ConnectionOptions = {
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username) || 'root',
    ...(secret !== undefined ? { password: secret } : {}),
    ...(database ? { database } : {}),
  };
  const connector = new MysqlConnector(session, name, display, options, database);
  await connector.connection();
  const { connection } = await embeddedDuckDB(session);
  await connection.run(`ATTACH IF NOT EXISTS ':memory:' AS ${quoteIdent(name)}`);
  return connector;
}
