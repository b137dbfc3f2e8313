import { randomUUID } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import type { DuckDBResultReader } from '@duckdb/node-api';
import { Progress } from '../display/progress.js';
import { DataKernelError, InterruptedError } from '../errors.js';
import type { Session } from '../session/session.js';
import { relationOf, tempTable, type TableRef } from '../sql/column-writer.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { quoteIdent, tempName } from '../sql/identifiers.js';
import type { RemoteDialect } from '../sql/pushdown.js';
import { QueryResult } from '../sql/result.js';
import { nameParts } from '../sql/sql-text.js';
import { clickhouseError, parseChException } from './clickhouse-error.js';
import { bindClickhouse, clickhouseLiteral, clickhouseParameterNames, hasFormatClause, splitClickhouseStatements, type ParamValues } from './clickhouse-sql.js';
import { chTextColumn, chTypeToDuckDB, chValueToJson, parseChType, unescapeTsv, type ChType } from './clickhouse-types.js';
import type { Connector, CopyOptions, CopySource, SourceColumn, SourceTable } from './connector.js';
import { InFlightQueries } from './in-flight.js';
import { csvField, loadPlainLines, TextLoader } from './text-loader.js';
import { parseSourceUri } from './uri.js';

const PROGRESS_MIN_ROWS = 100_000;
const RESULT_FORMAT = 'TabSeparatedWithNamesAndTypes';
// Plain results up to this much text load from one bound string; bigger ones stream through the TextLoader.
const SMALL_TEXT_BYTES = 1 << 20;

interface SendOptions {
  settings?: ClickHouseSettings;
  /** The request body: an INSERT's rows. */
  values?: Readable;
  /** Sent even when the calling cell was interrupted: cleanup after it. */
  cleanup?: boolean;
}

/** A ClickHouse name quoted with backticks (ClickHouse names are case-sensitive). */
export const quoteChIdent = (name: string): string => `\`${name.replace(/[\\`]/g, (ch) => `\\${ch}`)}\``;

/** What the server can do, asked once at connect. */
export interface ChServer {
  version: string;
  /** The server's time zone: DateTime columns without their own are written in it. */
  zone: string;
  /** `{name:Type}` query parameters (servers from 19.x). */
  parameters: boolean;
  /** DateTime64 (servers from 20.1). */
  dateTime64: boolean;
  /** Settings every query sends (LowCardinality is experimental on 18.x servers). */
  settings: ClickHouseSettings;
}

/** The result of streaming one statement. */
interface Streamed {
  rows: number;
  /** False for statements without a result set (CREATE, INSERT...). */
  hasResult: boolean;
  /** The reader of the result's head query (QueryResult.headQuery), when asked for. */
  head?: DuckDBResultReader;
}

/**
 * Reads a TabSeparatedWithNamesAndTypes body chunk by chunk: names, types, then rows. An exception the server
 * writes after the rows began (a cancelled or failed query keeps its HTTP 200) is thrown.
 */
class TsvReader {
  names?: string[];
  types?: ChType[];
  typeTexts: string[] = [];
  private composite: number[] = [];
  private rest = '';
  private readonly decoder = new StringDecoder('utf8');

  /** The complete lines of `chunk` (with what was left of the previous one) past the two header lines. */
  lines(chunk: Buffer | undefined): string {
    const text = chunk === undefined ? this.rest + this.decoder.end() : this.rest + this.decoder.write(chunk);
    const cut = chunk === undefined ? text.length : text.lastIndexOf('\n') + 1;
    this.rest = text.slice(cut);
    let body = text.slice(0, cut);
    while (!this.types && body) {
      const eol = body.indexOf('\n');
      const line = eol === -1 ? body : body.slice(0, eol);
      body = eol === -1 ? '' : body.slice(eol + 1);
      if (!this.names) this.names = line.split('\t').map((n) => unescapeTsv(n) ?? '');
      else this.header(line.split('\t').map((t) => unescapeTsv(t) ?? 'String'));
    }
    return body.endsWith('\n') ? body.slice(0, -1) : body;
  }

  private header(types: string[]): void {
    this.typeTexts = types;
    this.types = types.map(parseChType);
    this.composite = this.types.flatMap((t, i) => (/\[\]$|^(STRUCT|MAP)\(/.test(chTypeToDuckDB(t)) ? [i] : []));
  }

  /** A line's values as text (null for \N); composite values as JSON. */
  row(line: string): (string | null)[] {
    const fields = line.split('\t');
    if (fields.length !== this.names!.length) {
      if (parseChException(line)) throw new Error(line);
      throw new Error(`ClickHouse sent a row of ${fields.length} fields for ${this.names!.length} columns: ${line.slice(0, 200)}`);
    }
    const row = fields.map(unescapeTsv);
    // Composite values are written in their quoted text form, escaped once (not again for TSV).
    for (const i of this.composite) if (row[i] !== null) row[i] = chValueToJson(fields[i], this.types![i]);
    return row;
  }

  /**
   * True when complete lines need no field-by-field reading: no backslashes (no escapes, no nulls), no quotes,
   * no composite columns, and every line has one field per column.
   */
  plain(lines: string, rows: number): boolean {
    if (this.composite.length > 0 || lines.includes('\\') || lines.includes('"') || lines.includes('DB::Exception')) return false;
    let tabs = 0;
    for (let at = lines.indexOf('\t'); at !== -1; at = lines.indexOf('\t', at + 1)) tabs++;
    return tabs === rows * (this.names!.length - 1);
  }

  /** Complete lines as the loader's CSV, and how many rows: plain lines convert in two native replaces. */
  csv(lines: string): { text: string; rows: number } {
    if (!lines) return { text: '', rows: 0 };
    const rows = countLines(lines);
    if (this.plain(lines, rows)) return { text: `"${lines.replaceAll('\t', '","').replaceAll('\n', '"\n"')}"\n`, rows };
    let text = '';
    for (const line of lines.split('\n')) text += `${this.row(line).map(csvField).join(',')}\n`;
    return { text, rows };
  }
}

/** Lines of non-empty text without a final newline. */
function countLines(text: string): number {
  let lines = 1;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
  return lines;
}

/** A ClickHouse server or cluster over its HTTP interface: results stream as TabSeparated text into DuckDB. */
export class ClickhouseConnector implements Connector {
  readonly kind = 'clickhouse';
  private readonly inFlight: InFlightQueries;
  /** Query ids sent and not yet answered: what an interrupt kills. */
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly session: Session,
    readonly name: string,
    readonly displayUri: string,
    readonly client: ClickHouseClient,
    readonly database: string,
    private readonly password: string | undefined,
    readonly server: ChServer,
  ) {
    this.inFlight = new InFlightQueries(session, () => this.cancelRunning());
    this.inFlight.arm();
  }

  /** The error a failed statement throws: ClickHouse's own, named and scrubbed; an interrupt stays one. */
  fail(error: unknown, sql?: string): DataKernelError | InterruptedError {
    if (error instanceof InterruptedError) return error;
    return clickhouseError(error, { displayUri: this.displayUri, secrets: [this.password], sql });
  }

  /** Kills the queries in flight from a second request (the first is busy), then stops reading them. */
  private async cancelRunning(): Promise<void> {
    const ids = [...this.running.keys()];
    if (ids.length === 0) return;
    try {
      await this.client.command({
        query: `KILL QUERY WHERE query_id IN (${ids.map((id) => clickhouseLiteral('id', id, this.server)).join(', ')}) ASYNC`,
        clickhouse_settings: this.server.settings,
      });
    } finally {
      for (const id of ids) this.running.get(id)?.abort();
    }
  }

  /**
   * Sends one statement and hands its response body to `read`; an interrupt kills it on the server and stops an
   * upload. `values` is the body (an INSERT's rows); `cleanup` sends it even for an interrupted cell.
   */
  private send<T>(sql: string, params: Record<string, unknown>, read: (body: Readable, queryId: string) => Promise<T>, options: SendOptions = {}): Promise<T> {
    const { settings = {}, values, cleanup = false } = options;
    return this.inFlight.track(async () => {
      const queryId = randomUUID();
      const abort = new AbortController();
      this.running.set(queryId, abort);
      try {
        const { stream } = await this.client.exec({
          query: sql,
          query_id: queryId,
          abort_signal: abort.signal,
          clickhouse_settings: { ...this.server.settings, ...settings },
          ...(Object.keys(params).length ? { query_params: params } : {}),
          ...(values ? { values } : {}),
        });
        return await read(stream as Readable, queryId);
      } catch (error) {
        if (abort.signal.aborted) throw new InterruptedError();
        throw error;
      } finally {
        this.running.delete(queryId);
      }
    }, { cleanup });
  }

  /**
   * Runs a statement for its effect; any rows it returns are dropped. `cleanup`: undoing what an interrupted
   * load left (its half-filled table), which that load's cell must still be allowed to send.
   */
  async execute(sql: string, params: ParamValues = {}, options: Pick<SendOptions, 'cleanup'> = {}): Promise<void> {
    const bound = bindClickhouse(sql, params, this.server);
    try {
      await this.send(bound.sql, bound.params, async (body) => {
        for await (const chunk of body) {
          const text = String(chunk);
          if (parseChException(text)) throw new Error(text);
        }
      }, options);
    } catch (error) {
      throw this.fail(error, bound.sql);
    }
  }

  /** Inserts a file of JSON lines (one object per row, DuckDB's COPY ... (FORMAT json)) into `qualified`. */
  async insertFile(qualified: string, file: string): Promise<void> {
    const sql = `INSERT INTO ${qualified} FORMAT JSONEachRow`;
    const { createReadStream } = await import('node:fs');
    try {
      await this.send(sql, {}, async (body) => {
        for await (const _ of body);
      }, { values: createReadStream(file) });
    } catch (error) {
      throw this.fail(error, sql);
    }
  }

  /** Rows of a small query as text (null for NULL), for the connector's own look-ups. */
  async rows(sql: string, params: ParamValues = {}): Promise<(string | null)[][]> {
    const bound = bindClickhouse(sql, params, this.server);
    try {
      return await this.send(bound.sql, bound.params, async (body) => {
        const reader = new TsvReader();
        let text = '';
        for await (const chunk of body) text += reader.lines(chunk as Buffer) + '\n';
        text += reader.lines(undefined);
        return text.split('\n').filter(Boolean).map((line) => reader.row(line));
      }, { settings: { default_format: RESULT_FORMAT } });
    } catch (error) {
      throw this.fail(error, bound.sql);
    }
  }

  /**
   * Streams the rows of one statement into `target`. A small result of plain text (no escapes or nulls: an
   * aggregate's numbers) is kept as the text it came in and loaded from one bound string; any other goes through
   * a TextLoader, parsed row by row while the loader keeps them in memory, as bulk-converted CSV once it writes
   * its file. With `head`, the result's head query is read right after the table is made.
   */
  private async stream(sql: string, params: ParamValues, target: TableRef, options: { progress?: Progress; head?: boolean } = {}): Promise<Streamed> {
    if (hasFormatClause(sql)) {
      throw new DataKernelError('The query ends in a FORMAT clause', 'Drop the FORMAT clause: results come back as a table (copy them out with COPY in DuckDB, or -o VAR).');
    }
    const { progress } = options;
    const bound = bindClickhouse(sql, params, this.server);
    const { connection } = await embeddedDuckDB(this.session);
    let loader: TextLoader | undefined;
    try {
      return await this.send(
        bound.sql,
        bound.params,
        async (body) => {
          const reader = new TsvReader();
          const columns = () => reader.names!.map((n, i) => chTextColumn(n, reader.typeTexts[i], this.server.zone));
          let total = 0;
          // `bulk` lines (plain text held while it was small) go to the loader's file as CSV in one conversion.
          const load = async (lines: string, bulk = false) => {
            loader ??= new TextLoader(connection, target, columns());
            if (loader.inMemory && !bulk) {
              const rows = lines ? lines.split('\n').map((line) => reader.row(line)) : [];
              await loader.append(rows);
              total += rows.length;
            } else {
              const { text, rows } = reader.csv(lines);
              await loader.appendCsv(text);
              total += rows;
            }
            progress?.update(total);
          };
          // A small result of plain text (an aggregate's numbers) is held as it came, to go to DuckDB as one
          // string; the first line that is not plain, or past SMALL_TEXT_BYTES, sends what was held to the loader.
          let held: string | undefined = '';
          const write = async (lines: string) => {
            if (!reader.types || !lines) return;
            if (held !== undefined && held.length + lines.length <= SMALL_TEXT_BYTES && reader.plain(lines, countLines(lines))) {
              held = held ? `${held}\n${lines}` : lines;
              return;
            }
            if (held) await load(held, true);
            held = undefined;
            await load(lines);
          };
          for await (const chunk of body) {
            this.session.throwIfInterrupted();
            await write(reader.lines(chunk as Buffer));
          }
          await write(reader.lines(undefined));
          if (!reader.types) return { rows: 0, hasResult: false };
          const then = options.head ? QueryResult.headQuery(this.session, target) : `SELECT count(*) FROM ${relationOf(target)}`;
          let read: DuckDBResultReader;
          if (held) read = await loadPlainLines(connection, target, columns(), held, then);
          else {
            await load('');
            read = await loader!.finishAndRead(then);
            loader = undefined;
          }
          const rows = Number(read.getRows()[0]?.[0] ?? 0);
          progress?.finish(`${rows.toLocaleString('en-US')} rows`);
          return { rows, hasResult: true, ...(options.head ? { head: read } : {}) };
        },
        { settings: { default_format: RESULT_FORMAT } },
      );
    } catch (error) {
      loader?.abort();
      throw this.fail(error, bound.sql);
    }
  }

  /** Database and table of `table` or `db.table`; the default database is the URI's. */
  split(table: string): [string, string] {
    const parts = nameParts(table).map((p) => p.name);
    if (parts.length > 2) throw new DataKernelError(`${table} has ${parts.length} parts; a ClickHouse table is database.table`, `Name it as ${this.name}.database.table in DuckDB SQL, or database.table here.`);
    return parts.length === 2 ? [parts[0], parts[1]] : [this.database, parts[0]];
  }

  /** `db`.`table` of `table` or `db.table`. */
  qualified(table: string): string {
    return this.split(table).map(quoteChIdent).join('.');
  }

  async tables(): Promise<SourceTable[]> {
    const rows = await this.rows(`SELECT database, name, engine FROM system.tables WHERE database != 'system' ORDER BY database, name`);
    return rows.map(([schema, name, engine]) => ({ schema: String(schema), name: String(name), kind: /View$/.test(String(engine)) ? 'view' : 'table' }));
  }

  /** Whether `table` (database.table or table) exists; a failure to ask is thrown, not read as "no". */
  async hasTable(table: string): Promise<boolean> {
    const [database, name] = this.split(table);
    const found = await this.rows(`SELECT count() FROM system.tables WHERE database = $1 AND name = $2`, [database, name]);
    return found[0]?.[0] !== '0';
  }

  async columns(table: string): Promise<SourceColumn[]> {
    const [database, name] = this.split(table);
    const rows = await this.rows(`SELECT name, type, is_in_primary_key FROM system.columns WHERE database = $1 AND table = $2`, [database, name]);
    if (rows.length === 0 && !(await this.hasTable(table))) {
      throw new DataKernelError(`${this.displayUri}: no table ${database}.${name}`, `%connect ${this.name} --tables lists the tables.`);
    }
    return rows.map(([column, type, key]) => ({
      name: String(column),
      sourceType: String(type),
      duckdbType: chTypeToDuckDB(parseChType(String(type))),
      nullable: /^(LowCardinality\()?Nullable\(/.test(String(type)),
      ...(key === '1' ? { key: true } : {}),
    }));
  }

  dialect(table: string): RemoteDialect {
    return {
      ident: quoteChIdent,
      literal: (value) => clickhouseLiteral('filter', value, this.server),
      date: (text) => `toDate(${clickhouseLiteral('filter', text, this.server)})`,
      like: (column, pattern, negated) => `${negated ? 'notLike' : 'like'}(${column}, ${pattern})`,
      from: this.qualified(table),
    };
  }

  copySql(source: CopySource, options: CopyOptions = {}): string {
    if (!('table' in source)) return source.sql;
    const select = options.columns ? options.columns.map((c) => quoteChIdent(c.name)).join(', ') : '*';
    const where = options.where?.length ? ` WHERE ${options.where.join(' AND ')}` : '';
    const limit = options.limit === undefined ? '' : ` LIMIT ${Math.trunc(options.limit)}`;
    return `SELECT ${select} FROM ${this.qualified(source.table)}${where}${limit}`;
  }

  async copyInto(target: TableRef, source: CopySource, options: CopyOptions = {}): Promise<number> {
    if (!('table' in source)) return (await this.stream(source.sql, source.params ?? [], target)).rows;
    let progress: Progress | undefined;
    if (options.progress !== false && !options.where?.length) {
      const counted = await this.rows(`SELECT count() FROM ${this.qualified(source.table)}`).catch(() => [['0']]);
      const estimate = Math.min(Number(counted[0]?.[0] ?? 0), options.limit ?? Infinity);
      if (estimate >= PROGRESS_MIN_ROWS) progress = new Progress({ label: `${this.name}.${source.table} → DuckDB`, total: estimate, unit: 'rows' });
    }
    return (await this.stream(this.copySql(source, options), [], target, { progress })).rows;
  }

  /**
   * Runs SQL on ClickHouse itself. A script of several statements runs one at a time (the HTTP interface takes
   * one per request); the last one's rows are the result. `$name` parameters bind from `params` (by name, or
   * `$1`... from an array) in every statement.
   */
  async query(sql: string, params: ParamValues = []): Promise<QueryResult> {
    const statements = splitClickhouseStatements(sql);
    if (statements.length === 0) throw new DataKernelError('No SQL to run', 'Write a statement, e.g. SELECT 42 AS answer.');
    for (const statement of statements.slice(0, -1)) await this.execute(statement, params);
    const last = statements.at(-1)!;
    const target = tempTable(tempName('ch'));
    const outcome = await this.stream(last, params, target, { head: true });
    if (outcome.head) return QueryResult.fromHead(this.session, target, outcome.head);
    const { connection } = await embeddedDuckDB(this.session);
    const command = /^\s*(\w+)/.exec(last)?.[1]?.toUpperCase() ?? 'OK';
    await connection.run(`CREATE TEMP TABLE ${quoteIdent(target.table)} AS SELECT $command AS ${quoteIdent('command')}`, { command });
    return QueryResult.fromTable(this.session, target);
  }

  /** The names of `$name` parameters in ClickHouse SQL: the connector binds them itself. */
  parameterNames(sql: string): string[] {
    return clickhouseParameterNames(sql);
  }

  async close(): Promise<void> {
    this.inFlight.disarm();
    await this.client.close().catch(() => undefined);
    const { connection } = await embeddedDuckDB(this.session);
    await connection.run(`DETACH DATABASE IF EXISTS ${quoteIdent(this.name)}`);
  }
}

/** Asks the server its version, time zone and whether it takes `{name:Type}` parameters. */
async function probe(client: ClickHouseClient): Promise<ChServer> {
  const { stream } = await client.exec({ query: 'SELECT version(), timezone()', clickhouse_settings: { default_format: 'TabSeparated' } });
  let text = '';
  for await (const chunk of stream as Readable) text += String(chunk);
  const [version, zone] = text.trim().split('\t');
  const major = Number(version.split('.')[0]);
  const parameters = await client
    .exec({ query: 'SELECT {p:UInt8}', query_params: { p: 1 }, clickhouse_settings: { default_format: 'TabSeparated' } })
    .then(async ({ stream: body }) => {
      for await (const _ of body as Readable);
      return true;
    })
    .catch(() => false);
  return {
    version,
    zone: zone || 'UTC',
    parameters,
    dateTime64: major >= 20,
    settings: major < 19 ? { allow_experimental_low_cardinality_type: 1 } as ClickHouseSettings : {},
  };
}

/**
 * `%connect NAME clickhouse://user[:password]@host[:8123]/database` (HTTP; clickhouses:// for HTTPS): checks the
 * server answers and attaches catalog NAME, under which its tables are NAME.database.table in DuckDB SQL.
 */
export async function connectClickhouse(session: Session, name: string, uri: string, password?: string): Promise<Connector> {
  const { url, password: secret, display } = parseSourceUri(uri, password);
  const secure = /^clickhouses:$/i.test(url.protocol) || url.searchParams.get('secure') === 'true';
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'default';
  const { createClient, ClickHouseLogLevel } = await import('@clickhouse/client');
  const client = createClient({
    url: `${secure ? 'https' : 'http'}://${url.hostname || '127.0.0.1'}:${url.port || (secure ? 8443 : 8123)}`,
    username: decodeURIComponent(url.username) || 'default',
    password: secret ?? '',
    database,
    // Queries on a cluster may run long; an interrupt, not a timer, stops them.
    request_timeout: 24 * 3600 * 1000,
    log: { level: ClickHouseLogLevel.OFF },
  });
  let server: ChServer;
  try {
    server = await probe(client);
  } catch (error) {
    await client.close().catch(() => undefined);
    throw clickhouseError(error, { displayUri: display, secrets: [secret] });
  }
  try {
    const { connection } = await embeddedDuckDB(session);
    await connection.run(`ATTACH IF NOT EXISTS ':memory:' AS ${quoteIdent(name)}`);
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
  return new ClickhouseConnector(session, name, display, client, database, secret, server);
}
