import type { DuckDBConnection } from '@duckdb/node-api';
import type { ChainableCommander, Redis } from 'ioredis';
import { Progress } from '../display/progress.js';
import { DataKernelError, InterruptedError } from '../errors.js';
import { currentSession } from '../session/session.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { quoteIdent } from '../sql/identifiers.js';
import type { FeatureView } from './feature-view.js';
import { EVENT_TIME_FIELD, onlineKeys } from './online-keys.js';
import { defaultRedisUrl, openRedis, redactUrl, redisError } from './redis-target.js';
import { sourceRelation, type SourceScope } from './source.js';
import { getFeatureView, lastMaterialization, recordMaterialization } from './view-store.js';

export interface MaterializeOptions extends SourceScope {
  /** Redis URI. @default $DATAKERNEL_REDIS_URL or redis://127.0.0.1:6379 */
  redis?: string;
  /** Rebuild every entity into a new version even when an incremental run would do. */
  full?: boolean;
  /** Entities per Redis pipeline. @default 2048 */
  batchRows?: number;
}

/** What a materialize run did. */
export interface MaterializeResult {
  view: string;
  /** The Redis URL, password masked. */
  redis: string;
  mode: 'full' | 'incremental';
  /** The key-space version readers now use. */
  version: number;
  /** Entities written. */
  entities: number;
  /** Entities whose latest value had already outlived the TTL, so were not written. */
  expired: number;
  /** The latest event time materialized (ISO), null when the source has no rows. */
  watermark: string | null;
  seconds: number;
}

// Pipelines in flight at once: enough to keep Redis busy while the next batch is read from DuckDB.
const IN_FLIGHT = 4;

const eventTime = (view: FeatureView) => (view.types[view.timestamp] === 'DATE' ? `CAST(${quoteIdent(view.timestamp)} AS TIMESTAMP)` : quoteIdent(view.timestamp));

/** The latest event time and the number of entities changed after `sinceUs` (all when null). */
async function changes(connection: DuckDBConnection, view: FeatureView, relation: string, sinceUs: number | null) {
  const ts = eventTime(view);
  const statement = await connection.prepare(
    `SELECT epoch_us(max(${ts}))::DOUBLE, count(DISTINCT ${quoteIdent(view.entity)}) FROM ${relation}
     WHERE ${ts} IS NOT NULL AND ${quoteIdent(view.entity)} IS NOT NULL AND ($1::DOUBLE IS NULL OR epoch_us(${ts}) > $1::DOUBLE)`,
  );
  statement.bind([sinceUs]);
  const [max, count] = (await statement.runAndReadAll()).getRows()[0];
  return { untilUs: max === null ? null : Number(max), entities: Number(count) };
}

/**
 * Latest row per entity among events in (sinceUs, untilUs], computed in DuckDB and read out in its chunks:
 * entity and feature values as text (what Redis stores), event time as epoch ms. Values already past the
 * TTL are left out.
 */
async function latestRows(connection: DuckDBConnection, view: FeatureView, relation: string, sinceUs: number | null, untilUs: number) {
  const ts = eventTime(view);
  const entity = quoteIdent(view.entity);
  const features = view.features.map((f) => `CAST(${quoteIdent(f)} AS VARCHAR)`).join(', ');
  const statement = await connection.prepare(
    `SELECT * FROM (
       SELECT CAST(${entity} AS VARCHAR) AS k, epoch_ms(${ts})::DOUBLE AS t, ${features} FROM ${relation}
       WHERE ${ts} IS NOT NULL AND ${entity} IS NOT NULL AND ($1::DOUBLE IS NULL OR epoch_us(${ts}) > $1::DOUBLE) AND epoch_us(${ts}) <= $2::DOUBLE
       QUALIFY row_number() OVER (PARTITION BY ${entity} ORDER BY ${ts} DESC) = 1
     ) WHERE $3::DOUBLE IS NULL OR t + $3::DOUBLE > $4::DOUBLE`,
  );
  statement.bind([sinceUs, untilUs, view.ttlMs, Date.now()]);
  // Materialized, not streamed: a query the session runs meanwhile on the shared connection (a collected result's
  // DROP TABLE) would end a streamed read early, and the entities after it would silently go unwritten.
  return statement.run();
}

/** Queues one entity's hash (and its expiry) on a pipeline; `replace` drops the old hash first, so a feature now null goes. */
function queueEntity(pipeline: ChainableCommander, key: string, fields: string[], expireAt: number | null, replace: boolean): void {
  if (replace) pipeline.del(key);
  pipeline.hset(key, ...fields);
  if (expireAt !== null) pipeline.pexpireat(key, expireAt);
}

/** Sends a pipeline and fails on the first command error (ioredis reports them per command). */
async function send(pipeline: ChainableCommander): Promise<void> {
  const results = await pipeline.exec();
  if (results === null) throw new Error('the transaction was aborted');
  for (const [error] of results) if (error) throw error;
}

/** Deletes the keys of the view's versions older than `keep` (older runs, and runs that died half-way). */
async function dropOtherVersions(redis: Redis, view: FeatureView, keep: number): Promise<number> {
  const keys = onlineKeys(view);
  let cursor = '0';
  let dropped = 0;
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${keys.base}*`, 'COUNT', 5000);
    cursor = next;
    const stale = found.filter((key) => {
      const version = key.slice(keys.base.length).split(':', 1)[0];
      // Newer versions belong to a run still writing (or one that died): a later full run drops them.
      return /^\d+$/.test(version) && key.length > keys.base.length + version.length && Number(version) < keep;
    });
    if (stale.length) {
      await redis.unlink(...stale);
      dropped += stale.length;
    }
  } while (cursor !== '0');
  return dropped;
}

/**
 * Makes a run's version current, in one step and only if no other run got there first: a full run's version
 * must be newer than the current one, an incremental run's must still be current (a full run replaced it
 * otherwise). Returns nil when published, else the current version (or '' for none).
 */
const PUBLISH_VERSION = `
local current = redis.call('GET', KEYS[1])
if ARGV[2] == 'full' then
  if current and tonumber(current) and tonumber(current) > tonumber(ARGV[1]) then return current end
elseif current ~= ARGV[1] then
  return current or ''
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'version', ARGV[1], 'watermark', ARGV[3], 'mode', ARGV[2], 'materialized_at', ARGV[4])
return false`;

/**
 * Writes the latest value of every entity of a feature view into Redis. The first run (and `full`) writes a new
 * version of the key-space and then flips the view's `current` pointer in one transaction, so readers see the
 * old version or the new one, never a half-written one; later runs write only entities with events after the
 * last run's watermark, into the current version, each batch one MULTI/EXEC (whole entities or none).
 * The watermark advances only when a run completes, so a run cut short (Redis gone) is redone from where the
 * last complete one ended.
 */
export async function materializeFeatures(name: string, options: MaterializeOptions = {}): Promise<MaterializeResult> {
  const session = options.session ?? currentSession();
  const started = new Date();
  const view = await getFeatureView(session, name);
  const url = options.redis ?? defaultRedisUrl();
  const target = redactUrl(url);
  const keys = onlineKeys(view);
  const batchRows = options.batchRows ?? 2048;
  const relation = await sourceRelation(session, view.source, options);
  const { connection } = await embeddedDuckDB(session);
  const redis = await openRedis(url);
  let written = 0;
  let mode: 'full' | 'incremental' = 'full';
  let version = 0;
  try {
    const [current, last] = await Promise.all([redis.get(keys.current), lastMaterialization(session, view.name, target)]);
    // Incremental only onto the version this catalog last completed, of the view as defined now (a flushed
    // Redis, a redefined view or a run from another project gets a full rebuild).
    const incremental =
      !options.full && last !== undefined && current === String(last.version) && last.watermarkUs !== null && last.finishedAt.getTime() >= Date.parse(view.definedAt);
    mode = incremental ? 'incremental' : 'full';
    const sinceUs = incremental ? last!.watermarkUs : null;
    const { untilUs, entities } = await changes(connection, view, relation, sinceUs);
    version = incremental ? last!.version : await redis.incr(keys.versions);
    const progress = new Progress({ label: `materialize ${view.name} (${mode})`, total: entities, unit: 'entities' });
    let expired = entities;
    if (untilUs !== null) {
      const result = await latestRows(connection, view, relation, sinceUs, untilUs);
      const inFlight = new Set<Promise<void>>();
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        session.throwIfInterrupted();
        const vectors = Array.from({ length: chunk.columnCount }, (_, j) => chunk.getColumnVector(j));
        for (let start = 0; start < chunk.rowCount; start += batchRows) {
          const end = Math.min(chunk.rowCount, start + batchRows);
          const pipeline = incremental ? redis.multi() : redis.pipeline();
          for (let i = start; i < end; i++) {
            const time = vectors[1].getItem(i) as number;
            const fields = [EVENT_TIME_FIELD, String(time)];
            for (let f = 0; f < view.features.length; f++) {
              const value = vectors[f + 2].getItem(i);
              if (value !== null) fields.push(view.features[f], value as string);
            }
            queueEntity(pipeline, keys.entity(version, vectors[0].getItem(i) as string), fields, view.ttlMs === null ? null : time + view.ttlMs, incremental);
          }
          const count = end - start;
          const sent = send(pipeline).then(() => {
            written += count;
            progress.update(written);
          });
          inFlight.add(sent);
          void sent.finally(() => inFlight.delete(sent)).catch(() => {});
          if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
        }
      }
      await Promise.all(inFlight);
      expired = entities - written;
    }
    const watermarkUs = untilUs ?? (incremental ? last!.watermarkUs : null);
    const watermark = watermarkUs === null ? null : new Date(watermarkUs / 1000).toISOString();
    const replacedBy = (await redis.eval(PUBLISH_VERSION, 2, keys.current, keys.meta, String(version), mode, watermark ?? '', new Date().toISOString())) as string | null;
    if (replacedBy !== null) {
      throw new DataKernelError(
        `Another materialize of ${view.name} made version ${replacedBy || '(none)'} current while this one wrote version ${version}; readers stay on ${replacedBy || 'nothing'}`,
        `Rerun %features materialize ${view.name} once the other run is done (one run per view at a time).`,
      );
    }
    const finishedAt = new Date();
    await recordMaterialization(session, view.name, target, { version, watermarkUs, rows: written, mode, startedAt: started, finishedAt });
    if (mode === 'full') await dropOtherVersions(redis, view, version);
    progress.finish(`${written.toLocaleString('en-US')} written${expired ? `, ${expired.toLocaleString('en-US')} already expired` : ''}`);
    return { view: view.name, redis: target, mode, version, entities: written, expired, watermark, seconds: (finishedAt.getTime() - started.getTime()) / 1000 };
  } catch (error) {
    // DuckDB's own errors ("Binder Error: ...") and interrupts are not Redis failures.
    if (error instanceof DataKernelError || error instanceof InterruptedError || /^\w[\w ]* Error: /.test(String((error as Error)?.message))) throw error;
    const kept =
      mode === 'full'
        ? `${written.toLocaleString('en-US')} entities went into version ${version}, which readers never see`
        : `${written.toLocaleString('en-US')} entities were updated in whole batches; the view's watermark did not move`;
    const failure = redisError(error, url, `materialize ${view.name} into`);
    throw new DataKernelError(`${failure.message} (${kept})`, `Rerun %features materialize ${view.name} once Redis answers: it starts again from the last completed run.`, { cause: error });
  } finally {
    redis.disconnect();
  }
}
