import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Client, ClientConfig, FieldDef } from 'pg';
import { DataKernelError, InterruptedError } from '../errors.js';
import type { Session } from '../session/session.js';
import { InFlightQueries } from './in-flight.js';
import { Progress } from '../display/progress.js';
import { tempTable, type TableRef } from '../sql/column-writer.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { quoteIdent, quoteQualified, tempName } from '../sql/identifiers.js';
import { QueryResult } from '../sql/result.js';
import { nameParts } from '../sql/sql-text.js';
import type { Connector, CopyOptions, CopySource, SourceColumn, SourceTable } from './connector.js';
import { parsePgArray } from './pg-array.js';
import { pgTextColumn, pgTypeToDuckDB } from './pg-types.js';
import { isConnectionLost, sourceError } from './source-error.js';
import { loadTextCsv, TextLoader } from './text-loader.js';
import { parseSourceUri } from './uri.js';

const BATCH_ROWS = 20_000;
// Below this many (estimated) rows a copy is quick enough that a progress bar would only flicker.
const PROGRESS_MIN_ROWS = 100_000;

// Every value arrives as Postgres' text: DuckDB parses text faster in bulk than JS parses each value.
const rawText = { getTypeParser: () => (value: string) => value };

/** `numeric` with the precision and scale a field's type modifier carries (Postgres packs both in it). */
function withNumericModifier(name: string, typmod: number): string {
  if (typmod < 4) return name;
  const precision = ((typmod - 4) >> 16) & 0xffff;
  const scale = (typmod - 4) & 0xffff;
  return name.replace(/^numeric/, `numeric(${precision},${scale})`);
}

/** A Postgres connection as change data capture needs it: its client settings, secrets included. */
export interface PostgresConnection extends Connector {
  readonly kind: 'postgres';
  /** Settings for opening further clients (a replication connection); never shown. */
  clientConfig(): ClientConfig;
  /** An error of such a client as the user sees it: naming this source, the password scrubbed out. */
  sourceError(error: unknown, sql?: string): Error;
}

/** A Postgres database: tables load into DuckDB through a server-side cursor, in batches of text rows. */
class PostgresConnector implements PostgresConnection {
  readonly kind = 'postgres';
  private client?: Promise<Client>;
  private typeNames = new Map<number, string>();
  /** Server process of the open client: what an interrupt cancels. */
  private backend?: number;
  private readonly inFlight: InFlightQueries;

  constructor(
    private readonly session: Session,
    readonly name: string,
    readonly displayUri: string,
    private readonly config: ClientConfig,
    /** Scrubbed from every error message. */
    private readonly password?: string,
  ) {
    this.inFlight = new InFlightQueries(session, () => this.cancelRunning());
  }

  clientConfig(): ClientConfig {
    return { ...this.config };
  }

  sourceError(error: unknown, sql?: string): Error {
    return sourceError(error, { displayUri: this.displayUri, secrets: [this.password], sql });
  }

  private fail(error: unknown, sql?: string) {
    if (isConnectionLost(error)) this.client = undefined;
    return this.sourceError(error, sql);
  }

  /** The open client; a lost connection is replaced on next use. */
  connection(): Promise<Client> {
    this.client ??= (async () => {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ ...this.config, types: rawText });
      // A backend that dies (pg_terminate_backend, restart) emits 'error' on an idle client; without a
      // listener that would crash the kernel.
      client.on('error', () => {
        this.client = undefined;
      });
      client.on('end', () => {
        this.client = undefined;
      });
      try {
        await client.connect();
        // @types/pg does not declare it; pg sets it from the server's BackendKeyData at connect.
        this.backend = (client as Client & { processID: number }).processID;
        this.inFlight.arm();
        await client.query("SET TimeZone = 'UTC'; SET IntervalStyle = 'postgres'; SET DateStyle = 'ISO'");
        // Domains are named by their base type, so a domain over numeric loads as a number.
        const types = await client.query({
          text: `SELECT oid, CASE WHEN typtype = 'd' THEN format_type(typbasetype, typtypmod) ELSE format_type(oid, NULL) END
                 FROM pg_type WHERE typtype IN ('b', 'd', 'e', 'r', 'm') AND typisdefined`,
          rowMode: 'array',
        });
        this.typeNames = new Map((types.rows as string[][]).map(([oid, name]) => [Number(oid), name]));
      } catch (error) {
        this.client = undefined;
        await client.end().catch(() => undefined);
        throw this.fail(error);
      }
      return client;
    })();
    return this.client;
  }

  /** Runs `work`, which sends SQL on the client, as a query an interrupt cancels. */
  private async send<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = await this.connection();
    return this.inFlight.track(() => work(client));
  }

  /** Cancels the client's running query from a second connection; the query fails, the client stays usable. */
  private async cancelRunning(): Promise<void> {
    if (this.backend === undefined) return;
    const { default: pg } = await import('pg');
    const canceller = new pg.Client({ ...this.config, connectionTimeoutMillis: 5000 });
    canceller.on('error', () => undefined);
    try {
      await canceller.connect();
      await canceller.query('SELECT pg_cancel_backend($1)', [this.backend]);
    } finally {
      await canceller.end().catch(() => undefined);
    }
  }

  private rows(sql: string, params: unknown[] = []): Promise<string[][]> {
    return this.send(async (client) => {
      try {
        return (await client.query({ text: sql, values: params, rowMode: 'array' })).rows as string[][];
      } catch (error) {
        throw this.fail(error, sql);
      }
    });
  }

  async tables(): Promise<SourceTable[]> {
    const rows = await this.rows(
      `SELECT table_schema, table_name, table_type FROM information_schema.tables
       WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
    );
    return rows.map(([schema, name, type]) => ({ schema, name, kind: type === 'VIEW' ? 'view' : 'table' }));
  }

  /** `schema.table` as Postgres resolves it: unquoted names fold to lower case. */
  private qualified(table: string): string {
    return quoteQualified(...nameParts(table).map((p) => (p.quoted ? p.name : p.name.toLowerCase())));
  }

  async columns(table: string): Promise<SourceColumn[]> {
    const rows = await this.rows(
      `SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
              EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY(i.indkey))
       FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [this.qualified(table)],
    );
    return rows.map(([name, sourceType, notNull, key]) => ({
      name,
      sourceType,
      duckdbType: pgTypeToDuckDB(sourceType),
      nullable: notNull !== 't',
      ...(key === 't' ? { key: true } : {}),
    }));
  }

  /**
   * format_type() of each result field, from the type names read at connect time: a query on the same client
   * would wait behind the open cursor. Types made later (a new enum) load as text.
   */
  private fieldTypes(fields: FieldDef[]): string[] {
    return fields.map((f) => {
      const name = this.typeNames.get(f.dataTypeID) ?? 'text';
      return name.startsWith('numeric') ? withNumericModifier(name, f.dataTypeModifier) : name;
    });
  }

  private async estimate(table: string): Promise<number> {
    const [row] = await this.rows(`SELECT reltuples::bigint FROM pg_class WHERE oid = $1::regclass`, [table]);
    return Math.max(0, Number(row?.[0] ?? 0));
  }

  /** Streams `sql` through a cursor into `target`; returns the rows and the command tag. */
  private async stream(sql: string, params: unknown[], target: TableRef, progress?: Progress): Promise<{ rows: number; command: string; fields: number }> {
    const { default: Cursor } = await import('pg-cursor');
    return this.send(async (client) => {
      const cursor = client.query(new Cursor(sql, params, { rowMode: 'array', types: rawText }));
      const read = () =>
        new Promise<{ rows: (string | null)[][]; fields: FieldDef[]; command: string }>((resolve, reject) =>
          cursor.read(BATCH_ROWS, (error, rows, result) => (error ? reject(error) : resolve({ rows: rows as (string | null)[][], fields: result?.fields ?? [], command: result?.command ?? '' }))),
        );
      try {
        let batch = await read();
        if (batch.fields.length === 0) {
          await cursor.close();
          return { rows: 0, command: batch.command, fields: 0 };
        }
        const first = batch;
        const session = this.session;
        const rows = await this.load(first.fields, target, progress, async function* () {
          yield first.rows;
          while (batch.rows.length === BATCH_ROWS) {
            // Between batches the server is idle and a cancel has nothing to stop: an interrupted cell closes
            // the cursor here, so the client is free for the next query.
            try {
              session.throwIfInterrupted();
            } catch (error) {
              await cursor.close();
              throw error;
            }
            batch = await read();
            yield batch.rows;
          }
        });
        await cursor.close();
        return { rows, command: batch.command, fields: first.fields.length };
      } catch (error) {
        // No cursor.close() here: a failed cursor has already synced, and on a dead connection close() would
        // wait forever for a server that is gone.
        if (error instanceof InterruptedError || (error instanceof Error && error.name === 'DataKernelError')) throw error;
        // Postgres refuses several statements in one prepared statement before running any of them.
        if (params.length === 0 && /cannot insert multiple commands/.test(String((error as Error).message))) return this.runScript(sql, target);
        throw this.fail(error, sql);
      }
    });
  }

  /**
   * A script of several statements (a set-up cell) goes through the simple query protocol, which allows them
   * but cannot stream; the last statement's rows are the result.
   */
  private runScript(sql: string, target: TableRef): Promise<{ rows: number; command: string; fields: number }> {
    return this.send(async (client) => {
      try {
        const outcome: unknown = await client.query({ text: sql, rowMode: 'array', types: rawText });
        const last = ([outcome].flat() as Array<{ rows: (string | null)[][]; fields: FieldDef[]; command: string }>).at(-1)!;
        if (last.fields.length === 0) return { rows: 0, command: last.command ?? '', fields: 0 };
        const rows = await this.load(last.fields, target, undefined, async function* () {
          yield last.rows;
        });
        return { rows, command: last.command ?? '', fields: last.fields.length };
      } catch (error) {
        if (error instanceof Error && error.name === 'DataKernelError') throw error;
        throw this.fail(error, sql);
      }
    });
  }

  /** Loads Postgres text rows into the DuckDB table `target`, typed from the fields. */
  private async load(fields: FieldDef[], target: TableRef, progress: Progress | undefined, batches: () => AsyncGenerator<(string | null)[][]>): Promise<number> {
    const columns = this.fieldTypes(fields).map((type, i) => pgTextColumn(fields[i].name, type));
    const arrays = columns.flatMap((c, i) => (c.duckdbType.endsWith('[]') ? [i] : []));
    const { connection } = await embeddedDuckDB(this.session);
    const loader = new TextLoader(connection, target, columns);
    try {
      let total = 0;
      for await (const rows of batches()) {
        for (const row of rows) for (const i of arrays) if (row[i] !== null) row[i] = JSON.stringify(parsePgArray(row[i]!));
        await loader.append(rows);
        total += rows.length;
        progress?.update(total);
      }
      const rows = await loader.finish();
      progress?.finish(`${rows.toLocaleString('en-US')} rows`);
      return rows;
    } catch (error) {
      loader.abort();
      throw error;
    }
  }

  private async copyTable(target: TableRef, table: string, progress: Progress | undefined, only: Pick<CopyOptions, 'columns' | 'limit' | 'snapshot'>): Promise<number> {
    const qualified = this.qualified(table);
    const columns = only.columns ?? (await this.columns(table));
    const limit = only.limit === undefined ? '' : ` LIMIT ${Math.trunc(only.limit)}`;
    const text = columns.map((c) => pgTextColumn(c.name, c.sourceType));
    // Arrays leave Postgres as JSON, which DuckDB casts to typed lists.
    const select = columns.map((c) => (c.duckdbType.endsWith('[]') ? `to_json(${quoteIdent(c.name)})` : quoteIdent(c.name))).join(', ');
    const dir = mkdtempSync(join(tmpdir(), 'dk-pg-copy-'));
    const file = join(dir, 'rows.csv');
    try {
      const { to } = await import('pg-copy-streams');
      await this.send(async (client) => {
        if (only.snapshot !== undefined) {
          // SET TRANSACTION SNAPSHOT takes no parameters; exported snapshot ids are hex groups and dashes.
          if (!/^[0-9A-F-]+$/i.test(only.snapshot)) throw new DataKernelError(`Not a snapshot id: ${only.snapshot}`, 'Pass the id pg_export_snapshot() or CREATE_REPLICATION_SLOT returned.');
          await client.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '${only.snapshot}'`);
        }
        try {
          const stream = client.query(to(`COPY (SELECT ${select} FROM ${qualified}${limit}) TO STDOUT WITH (FORMAT csv, NULL '\\N')`));
          let lines = 0;
          stream.on('data', (chunk: Buffer) => {
            for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
            progress?.update(lines);
          });
          await pipeline(stream, createWriteStream(file));
        } finally {
          if (only.snapshot !== undefined) await client.query('ROLLBACK').catch(() => undefined);
        }
      });
      const { connection } = await embeddedDuckDB(this.session);
      const rows = await loadTextCsv(connection, target, text, file);
      progress?.finish(`${rows.toLocaleString('en-US')} rows`);
      return rows;
    } catch (error) {
      if (error instanceof InterruptedError || (error instanceof Error && error.name === 'DataKernelError')) throw error;
      throw this.fail(error);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async copyInto(target: TableRef, source: CopySource, options: CopyOptions = {}): Promise<number> {
    if (!('table' in source)) return (await this.stream(source.sql, source.params ?? [], target)).rows;
    let progress: Progress | undefined;
    if (options.progress !== false) {
      const estimate = Math.min(await this.estimate(this.qualified(source.table)).catch(() => 0), options.limit ?? Infinity);
      if (estimate >= PROGRESS_MIN_ROWS) progress = new Progress({ label: `${this.name}.${source.table} → DuckDB`, total: estimate, unit: 'rows' });
    }
    return this.copyTable(target, source.table, progress, options);
  }

  async query(sql: string, params: unknown[] = []): Promise<QueryResult> {
    const target = tempTable(tempName('pg'));
    const outcome = await this.stream(sql, params, target);
    if (outcome.fields === 0) {
      // Statements without rows (INSERT, CREATE...) report their command tag, as psql does.
      const { connection } = await embeddedDuckDB(this.session);
      await connection.run(`CREATE TEMP TABLE ${quoteIdent(target.table)} AS SELECT $command AS ${quoteIdent('command')}`, { command: outcome.command || 'OK' });
    }
    return QueryResult.fromTable(this.session, target);
  }

  async close(): Promise<void> {
    this.inFlight.disarm();
    const pending = this.client;
    this.client = undefined;
    const client = await pending?.catch(() => undefined);
    await client?.end().catch(() => undefined);
    const { connection } = await embeddedDuckDB(this.session);
    await connection.run(`DETACH DATABASE IF EXISTS ${quoteIdent(this.name)}`);
  }
}

/** `%connect NAME postgres://user[:password]@host[:port]/db`: checks the connection and attaches catalog NAME. */
export async function connectPostgres(session: Session, name: string, uri: string, password?: string): Promise<Connector> {
  const { url, password: secret, display } = parseSourceUri(uri, password);
  // pg lets the connection string's (empty) password override a `password` option, so it goes into the string.
  const withPassword = new URL(url.href);
  if (secret !== undefined) withPassword.password = encodeURIComponent(secret);
  const config: ClientConfig = { connectionString: withPassword.href, application_name: 'datakernel' };
  const connector = new PostgresConnector(session, name, display, config, secret);
  await connector.connection();
  const { connection } = await embeddedDuckDB(session);
  await connection.run(`ATTACH IF NOT EXISTS ':memory:' AS ${quoteIdent(name)}`);
  return connector;
}
