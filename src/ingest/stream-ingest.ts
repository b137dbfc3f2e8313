import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { StreamConnector } from '../connectors/stream.js';
import { Progress } from '../display/progress.js';
import { DataKernelError } from '../errors.js';
import { describeTable } from '../schema/describe.js';
import type { SchemaDiff } from '../schema/diff.js';
import { projectKey } from '../schema/target.js';
import type { Session } from '../session/session.js';
import { relationOf, tempTable } from '../sql/column-writer.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { quoteIdent, quoteLiteral, tempName } from '../sql/identifiers.js';
import { keepJsonDoublesIn } from '../streams/json-numbers.js';
import { MessageStager, rawTableSql } from '../streams/message-stager.js';
import { buildTypedTable } from '../streams/stream-table.js';
import { readCursor, saveCursor } from './cursor-store.js';
import { ParquetDestination } from './destination.js';
import { destinationSchema } from './ingest.js';
import { checkSchema } from './schema-gate.js';
import { IngestResult, type IngestSummary } from './result.js';
import { makeDirectory } from '../fs/make-directory.js';
import { tryPidLock } from '../fs/pid-lock.js';

/** Options of a stream load. */
export interface StreamIngestOptions {
  /** Destination dataset folder. */
  into: string;
  /** Columns to partition by (hive layout `col=value/`). */
  partitionBy?: string[];
  /** Stop after this many messages. @default all retained (and, with untilIdle, what arrives) */
  maxMessages?: number;
  /** Follow the stream live until no message came for this many seconds. @default read what is retained, then stop */
  untilIdle?: number;
  /** Messages per Parquet part file (each part is one commit of the position). @default 100000 */
  flushMessages?: number;
  /** Write even when the messages' schema breaks the destination's. @default false */
  allowBreaking?: boolean;
  /** Folder relative paths start from. @default session.projectDir */
  cwd?: string;
  /** Stops the load after the part in progress is committed. */
  signal?: AbortSignal;
}

const PAD = 20;
const pad = (n: number) => String(n).padStart(PAD, '0');
// Part files carry the sequences they hold: part-FIRST-LAST-uuid.parquet.
const PART = /(?:^|\/)part-(\d{20})-(\d{20})-[^/]*\.parquet$/;

/** The sequence range of a stream part file, from its name. */
export function partRange(file: string): { first: number; last: number } | undefined {
  const match = PART.exec(file.split('\\').join('/'));
  return match ? { first: Number(match[1]), last: Number(match[2]) } : undefined;
}

/**
 * The committed position of a stream destination, after removing part files past it: a load killed after moving
 * a part into place but before recording its position left them, and the next load writes those messages again.
 * Without a recorded position (the catalog was lost, or an older version loaded it), the parts there are trusted.
 */
async function committedPosition(session: Session, key: string, destination: ParquetDestination, rejects: string): Promise<number> {
  const stored = await readCursor(session, key);
  if (stored && stored.column !== 'sequence') {
    throw new DataKernelError(`${key} was loaded by the cursor column ${stored.column}, not from a stream`, 'Load the stream into another folder, or clear it with %ingest ... --mode overwrite from its table source first.');
  }
  const parts = destination.partFiles().map((file) => ({ file, range: partRange(file) }));
  if (!stored && parts.length === 0) {
    // Recorded before the first part moves in: a partitioned part is several files moved one by one, and a first
    // load killed among them must not leave files the next load would trust.
    await saveCursor(session, { destination: key, column: 'sequence', value: '0', type: 'BIGINT' });
  }
  const committed = stored ? Number(stored.value) : parts.reduce((last, p) => Math.max(last, p.range?.last ?? 0), 0);
  for (const { file, range } of parts) if (range && range.first > committed) rmSync(join(destination.path, file), { force: true });
  if (existsSync(rejects)) {
    for (const file of new ParquetDestination(rejects).partFiles()) {
      const range = partRange(file);
      if (range && range.first > committed) rmSync(join(rejects, file), { force: true });
    }
  }
  return committed;
}

/**
 * Lands a stream in partitioned Parquet, exactly once: messages are read past the committed sequence, each part
 * (up to `flushMessages`) is schema-checked against what is there, written under a temporary name and moved into
 * place with its sequence range in its name, and only then is the position recorded in the catalog. A load
 * killed at any point leaves nothing half-written; the next one removes parts past the recorded position and
 * reads from it. Malformed messages (see MalformedMessages) go to INTO.rejects/ (counted in the result).
 */
export async function ingestStream(session: Session, connector: StreamConnector, options: StreamIngestOptions): Promise<IngestResult> {
  const started = Date.now();
  const path = resolve(options.cwd ?? session.projectDir, options.into);
  if (/\.(parquet|pq)$/i.test(path)) throw new DataKernelError('A stream lands in a dataset folder, not one .parquet file', `Use a folder, e.g. --into ${options.into.replace(/\.(parquet|pq)$/i, '')}`);
  const key = projectKey(session, path);
  const rejects = `${path}.rejects`;
  const partitionBy = options.partitionBy ?? [];
  const destination = new ParquetDestination(path, partitionBy);
  destination.recover();
  if (destination.exists() && destination.partitionColumns().join(',') !== partitionBy.join(',')) {
    const existing = destination.partitionColumns();
    throw new DataKernelError(`${options.into} is partitioned by (${existing.join(', ') || 'nothing'}), not (${partitionBy.join(', ') || 'nothing'})`, existing.length ? `Add --partition-by ${existing.join(',')}.` : 'Drop --partition-by.');
  }
  makeDirectory(dirname(path));
  const lock = tryPidLock(`${path}.lock`);
  if (!('release' in lock)) {
    throw new DataKernelError(`Another load (process ${lock.holder}) is writing ${options.into}`, 'Wait for it to finish or interrupt it; two loads of one destination would both write the same messages.');
  }
  try {
    return await loadStream(session, connector, options, { path, key, rejects, partitionBy, destination, started });
  } finally {
    lock.release();
  }
}

interface StreamTarget {
  path: string;
  key: string;
  rejects: string;
  partitionBy: string[];
  destination: ParquetDestination;
  started: number;
}

async function loadStream(session: Session, connector: StreamConnector, options: StreamIngestOptions, target: StreamTarget): Promise<IngestResult> {
  const { key, rejects, partitionBy, destination, started } = target;
  const from = await committedPosition(session, key, destination, rejects);
  const { connection } = await embeddedDuckDB(session);
  const raw = tempTable(tempName('stream_ingest_raw'));
  const typed = tempTable(tempName('stream_ingest'));
  const flushAt = options.flushMessages ?? 100_000;
  const progress = new Progress({ label: `ingest ${connector.name} -> ${options.into}`, unit: 'messages' });
  const abort = new AbortController();
  const forward = () => abort.abort();
  options.signal?.addEventListener('abort', forward, { once: true });
  const unregister = session.onInterrupt(forward);
  const files: string[] = [];
  const rejected: NonNullable<IngestSummary['rejected']> = { count: 0, sample: [] };
  let position = from;
  let rows = 0;
  let staged = 0;
  let diff: SchemaDiff | undefined;

  const stager = new MessageStager(connection, raw);
  const flush = async () => {
    if (staged === 0) return;
    await stager.flush();
    const last = Number((await connection.runAndReadAll(`SELECT max(sequence) FROM ${relationOf(raw)}`)).getRows()[0][0]);
    const first = position + 1;
    const stem = `part-${pad(first)}-${pad(last)}`;
    await buildTypedTable(connection, raw, typed);
    const good = Number((await connection.runAndReadAll(`SELECT count(*) FROM ${relationOf(typed)}`)).getRows()[0][0]);
    if (good > 0) {
      const described = await describeTable(connection, { catalog: typed.catalog, schema: typed.schema, table: typed.table });
      const existing = destination.exists() ? await destinationSchema(session, destination, key, described) : undefined;
      // JSON has one number type: a part whose values of a DOUBLE column happen to be integers writes them as DOUBLE.
      const columns = existing ? keepJsonDoublesIn(existing.columns, described) : described;
      if (existing) diff = checkSchema(existing, columns, connector.name, options.allowBreaking === true);
      const select = columns.map((c, i) => (c === described[i] ? quoteIdent(c.name) : `CAST(${quoteIdent(c.name)} AS ${c.duckdbType}) AS ${quoteIdent(c.name)}`)).join(', ');
      files.push(...(await destination.write(connection, `SELECT ${select} FROM ${relationOf(typed)}`, existing ? 'append' : 'overwrite', partitionBy, stem)));
    }
    const bad = await connection.runAndReadAll(`SELECT sequence, left(payload, 200) AS payload FROM ${relationOf(raw)} WHERE NOT ok ORDER BY sequence LIMIT 5`);
    const badCount = staged - good;
    if (badCount > 0) {
      await writeRejects(connection, relationOf(raw), rejects, stem);
      rejected.count += badCount;
      rejected.file = projectKey(session, rejects);
      for (const r of bad.getRowObjectsJS()) if (rejected.sample.length < 5) rejected.sample.push({ sequence: Number(r.sequence), payload: String(r.payload) });
    }
    // The commit: parts are in place; recording the position makes them count (see committedPosition).
    await saveCursor(session, { destination: key, column: 'sequence', value: String(last), type: 'BIGINT' });
    position = last;
    rows += good;
    staged = 0;
    await connection.run(`DELETE FROM ${relationOf(raw)}`);
  };

  try {
    await connection.run(rawTableSql(raw));
    const follow = options.untilIdle !== undefined;
    for await (const batch of connector.messages.source.read({ after: from, maxMessages: options.maxMessages, follow, idleSeconds: options.untilIdle, signal: abort.signal, readAhead: flushAt })) {
      await stager.add(batch);
      staged += batch.length;
      progress.update(rows + staged + rejected.count, `sequence ${batch.at(-1)!.sequence}`);
      if (staged >= flushAt) await flush();
    }
    await flush();
    progress.finish(`${rows.toLocaleString('en-US')} rows written, position ${position}`);
    return new IngestResult({
      source: `${connector.name} (${connector.displayUri})`,
      destination: key,
      mode: 'incremental',
      rows,
      files,
      cursor: { column: 'sequence', from: String(from), to: String(position) },
      diff,
      rejected,
      seconds: (Date.now() - started) / 1000,
    });
  } finally {
    unregister();
    options.signal?.removeEventListener('abort', forward);
    await connection.run(`DROP TABLE IF EXISTS ${relationOf(raw)}`).catch(() => undefined);
    await connection.run(`DROP TABLE IF EXISTS ${relationOf(typed)}`).catch(() => undefined);
  }
}

// Malformed messages of a part, kept as they came (subject, sequence, timestamp, payload) beside the dataset.
async function writeRejects(connection: import('@duckdb/node-api').DuckDBConnection, raw: string, folder: string, stem: string): Promise<void> {
  makeDirectory(folder);
  const file = join(folder, `${stem}-rejects.parquet`);
  const temp = join(dirname(file), `.${stem}.dk-tmp-${process.pid}`);
  await connection.run(`COPY (SELECT subject, sequence, "timestamp", payload FROM ${raw} WHERE NOT ok ORDER BY sequence) TO ${quoteLiteral(temp)} (FORMAT parquet)`);
  renameSync(temp, file);
}
