import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quoteChIdent, type ClickhouseConnector } from '../connectors/clickhouse.js';
import { chTypeToDuckDB, duckdbTypeToCh, parseChType } from '../connectors/clickhouse-types.js';
import { Progress } from '../display/progress.js';
import { DataKernelError } from '../errors.js';
import { describeTable } from '../schema/describe.js';
import { diffSchemas } from '../schema/diff.js';
import type { ColumnSchema, TableSchema } from '../schema/model.js';
import type { TargetSource } from '../schema/target.js';
import type { Session } from '../session/session.js';
import { relationOf, tempTable } from '../sql/column-writer.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { quoteIdent, quoteLiteral, tempName } from '../sql/identifiers.js';
import type { IngestOptions } from './ingest.js';
import { IngestBlockedError, IngestResult } from './result.js';

/** The column as it reads back from ClickHouse once created there: the type ClickHouse is given, mapped back. */
function asCreated(column: ColumnSchema): ColumnSchema {
  const chType = duckdbTypeToCh(column.duckdbType, column.nullable);
  return { ...column, key: undefined, sourceType: chType, duckdbType: chTypeToDuckDB(parseChType(chType)) };
}

/** SQL for a DuckDB column as JSONEachRow takes it: timestamps as UTC text, booleans as 0/1, structs as JSON text. */
function forJson(column: ColumnSchema): string {
  const c = quoteIdent(column.name);
  const type = column.duckdbType.toUpperCase();
  if (type === 'BOOLEAN') return `CAST(${c} AS UTINYINT) AS ${c}`;
  if (type === 'TIMESTAMP WITH TIME ZONE' || type === 'TIMESTAMPTZ') return `strftime(timezone('UTC', ${c}), '%Y-%m-%d %H:%M:%S') AS ${c}`;
  if (type.startsWith('TIMESTAMP')) return `strftime(${c}, '%Y-%m-%d %H:%M:%S') AS ${c}`;
  // ClickHouse arrays cannot be NULL: a NULL list arrives as an empty one.
  if (type.endsWith('[]')) return `coalesce(${c}, []) AS ${c}`;
  if (/^(STRUCT|MAP)/.test(type)) return `CAST(to_json(${c}) AS VARCHAR) AS ${c}`;
  if (duckdbTypeToCh(type, false) === 'String' && type !== 'VARCHAR') return `CAST(${c} AS VARCHAR) AS ${c}`;
  return c;
}

/**
 * Loads a source into the ClickHouse table `into` (NAME.database.table of a ClickHouse connection): the table is
 * created from the source's normalised schema (MergeTree, ordered by the source's non-null key columns), rows go
 * over HTTP as JSONEachRow in one INSERT. An existing table's schema is checked first: breaking changes stop the
 * load. `overwrite` fills a new table and swaps it in with RENAME, so a failed load leaves the old rows (on an
 * Ordinary database the two renames are not one step: a reader between them finds no table); `append` inserts into the table.
 */
export async function ingestIntoClickhouse(
  session: Session,
  source: TargetSource,
  options: IngestOptions,
  connector: ClickhouseConnector,
  table: string,
  originOf: (session: Session, source: TargetSource, options: IngestOptions) => Promise<{ label: string; schema?: () => Promise<TableSchema>; stage(target: ReturnType<typeof tempTable>): Promise<void> }>,
): Promise<IngestResult> {
  const started = Date.now();
  const mode = options.mode ?? 'overwrite';
  if (mode !== 'overwrite' && mode !== 'append') {
    throw new DataKernelError(`--mode ${mode} is not supported into ClickHouse`, 'Use --mode overwrite or append (or load incrementally into Parquet and append the new part).');
  }
  const [database, name] = connector.split(table);
  const qualified = connector.qualified(table);
  // Only a table that is not there is created: any other failure to read its columns stops the load, named.
  const existing = (await connector.hasTable(table)) ? await connector.columns(table) : undefined;
  const origin = await originOf(session, source, options);
  const known = await origin.schema?.();
  const { connection } = await embeddedDuckDB(session);
  const staged = tempTable(tempName('to_ch'));
  const progress = new Progress({ label: `ingest ${origin.label} -> ${options.into}`, unit: 'rows' });
  const dir = mkdtempSync(join(tmpdir(), 'dk-ch-insert-'));
  try {
    progress.update(0, 'reading source');
    await origin.stage(staged);
    const columns = (await describeTable(connection, { catalog: staged.catalog, schema: staged.schema, table: staged.table })).map((c) => {
      const from = known?.columns.find((k) => k.name === c.name);
      return { ...c, nullable: from ? from.nullable : true, key: from?.key };
    });
    const incoming: TableSchema = { target: origin.label, kind: 'table', columns: columns.map(asCreated) };
    const diff = existing
      ? diffSchemas({ target: options.into, kind: 'connection', columns: existing.map((c, i) => ({ ...c, key: undefined, position: i + 1 })) }, incoming)
      : undefined;
    if (diff?.breaking && options.allowBreaking !== true) throw new IngestBlockedError(diff);
    const rows = Number((await connection.runAndReadAll(`SELECT count(*) FROM ${relationOf(staged)}`)).getRows()[0][0]);
    const file = join(dir, 'rows.jsonl');
    await connection.run(`COPY (SELECT ${columns.map(forJson).join(', ')} FROM ${relationOf(staged)}) TO ${quoteLiteral(file)} (FORMAT json)`);
    const create = async (target: string) => {
      const keys = columns.filter((c) => c.key && !c.nullable).map((c) => connector.dialect(table).ident(c.name));
      const defs = columns.map((c) => `${connector.dialect(table).ident(c.name)} ${duckdbTypeToCh(c.duckdbType, c.nullable)}`).join(', ');
      await connector.execute(`CREATE TABLE ${target} (${defs}) ENGINE = MergeTree ORDER BY ${keys.length ? `(${keys.join(', ')})` : 'tuple()'}`);
    };
    progress.update(rows, 'writing to ClickHouse');
    if (mode === 'append' && existing) await connector.insertFile(qualified, file);
    else if (!existing) {
      await create(qualified);
      await connector.insertFile(qualified, file);
    } else {
      // A new table filled beside the old one, then swapped in by name: a failed load leaves the old rows.
      // Quoted part by part, not read again as a dotted name: a quoted name may itself hold dots.
      const beside = (suffix: string) => [database, `${name}__dk_${suffix}_${process.pid}`].map(quoteChIdent).join('.');
      const fresh = beside('new');
      const old = beside('old');
      await connector.execute(`DROP TABLE IF EXISTS ${fresh}`);
      await create(fresh);
      try {
        await connector.insertFile(fresh, file);
      } catch (error) {
        await connector.execute(`DROP TABLE IF EXISTS ${fresh}`, {}, { cleanup: true }).catch(() => undefined);
        throw error;
      }
      await connector.execute(`RENAME TABLE ${qualified} TO ${old}, ${fresh} TO ${qualified}`);
      await connector.execute(`DROP TABLE ${old}`);
    }
    progress.finish(`${rows.toLocaleString('en-US')} rows written`);
    return new IngestResult({ source: origin.label, destination: options.into, mode, rows, files: [], diff, seconds: (Date.now() - started) / 1000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await connection.run(`DROP TABLE IF EXISTS ${relationOf(staged)}`);
  }
}
