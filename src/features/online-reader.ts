import type { Redis } from 'ioredis';
import { DataKernelError } from '../errors.js';
import { currentSession, type Session } from '../session/session.js';
import { decodeValue, type FeatureValue, type FeatureView } from './feature-view.js';
import { EVENT_TIME_FIELD, onlineKeys } from './online-keys.js';
import { defaultRedisUrl, openRedis, redactUrl, redisError } from './redis-target.js';
import { getFeatureView } from './view-store.js';

/** The online features of one request row: values by feature name, and the views that hold no value for its entity. */
export interface OnlineRow {
  values: Record<string, FeatureValue>;
  /** Views without a value for the row's entity (never materialized for it, or expired) and without defaults. */
  missing: string[];
  /** Views without a value for the row's entity whose declared defaults were used. */
  defaulted: string[];
}

export interface OnlineReaderOptions {
  /** @default the engine's session (currentSession()) */
  session?: Session;
  /** Redis URI. @default $DATAKERNEL_REDIS_URL or redis://127.0.0.1:6379 */
  redis?: string;
  /** Keep reconnecting after Redis goes away (serving) instead of failing at once (one-off reads). */
  longLived?: boolean;
}

/**
 * Reads the current values of feature views from Redis for batches of entities: one pipeline per batch holding
 * each view's version pointer and one HMGET per entity and view. The pointers are remembered, and a batch is
 * read again in the rare case one moved (a full materialize flipped it) while it was in flight.
 */
export class OnlineFeatureReader {
  private readonly versions = new Map<string, string | null>();

  constructor(
    readonly views: readonly FeatureView[],
    private readonly redis: Redis,
    private readonly url: string,
  ) {}

  /** Opens a reader for the named views. */
  static async open(viewNames: readonly string[], options: OnlineReaderOptions = {}): Promise<OnlineFeatureReader> {
    const session = options.session ?? currentSession();
    const views = await Promise.all(viewNames.map((name) => getFeatureView(session, name)));
    const url = options.redis ?? defaultRedisUrl();
    return new OnlineFeatureReader(views, await openRedis(url, { failFast: !options.longLived, autoPipeline: true }), url);
  }

  /** Every feature name the reader serves, with the view that holds it. */
  featureViews(): Map<string, FeatureView> {
    return new Map(this.views.flatMap((view) => view.features.map((f) => [f, view] as const)));
  }

  /** Features of each row's entities (`row[view.entity]`), defaults filled in where a view declares them. */
  async read(rows: readonly Record<string, unknown>[]): Promise<OnlineRow[]> {
    let { replies, used } = await this.fetch(rows);
    if (this.pointersMoved(replies, used)) ({ replies } = await this.fetch(rows));
    const pointers = this.views.length;
    return rows.map((_row, r) => {
      const values: Record<string, FeatureValue> = {};
      const missing: string[] = [];
      const defaulted: string[] = [];
      this.views.forEach((view, v) => {
        const reply = replies[pointers + r * pointers + v] as (string | null)[] | undefined;
        const found = reply !== undefined && reply[view.features.length] !== null;
        if (!found) (view.defaults ? defaulted : missing).push(view.name);
        for (const [f, feature] of view.features.entries()) {
          values[feature] = found ? decodeValue(view.types[feature], reply![f]) : (view.defaults?.[feature] ?? null);
        }
      });
      return { values, missing, defaulted };
    });
  }

  /**
   * The pointers, then HMGETs against the versions known now (`used`, as concurrent batches move them). The
   * client pipelines by itself: commands of every request in the same event-loop turn go out in one write.
   */
  private async fetch(rows: readonly Record<string, unknown>[]): Promise<{ replies: unknown[]; used: (string | null | undefined)[] }> {
    const used = this.views.map((view) => this.versions.get(view.name));
    const commands: Promise<unknown>[] = this.views.map((view) => this.redis.get(onlineKeys(view).current));
    for (const row of rows) {
      for (const [v, view] of this.views.entries()) {
        const version = used[v];
        const entity = row[view.entity];
        if (version === undefined || version === null || entity === undefined || entity === null) commands.push(Promise.resolve(undefined));
        else commands.push(this.redis.hmget(onlineKeys(view).entity(version, String(entity)), ...view.features, EVENT_TIME_FIELD));
      }
    }
    try {
      return { replies: await Promise.all(commands), used };
    } catch (error) {
      throw redisError(error, this.url, 'read features from');
    }
  }

  /** Notes the pointers a batch saw; true when one differs from the version the batch read with. */
  private pointersMoved(replies: unknown[], used: (string | null | undefined)[]): boolean {
    let moved = false;
    this.views.forEach((view, v) => {
      const pointer = (replies[v] as string | null | undefined) ?? null;
      if (pointer === null) {
        throw new DataKernelError(`Feature view ${view.name} has not been materialized into Redis at ${redactUrl(this.url)}`, `Run %features materialize ${view.name} first.`);
      }
      if (used[v] !== pointer) moved = true;
      this.versions.set(view.name, pointer);
    });
    return moved;
  }

  close(): void {
    this.redis.disconnect();
  }
}

/** One-off read: the current features of `entities` in one view, one row per entity (nulls and found=false when absent). */
export async function getOnlineFeatures(viewName: string, entities: readonly (string | number)[], options: OnlineReaderOptions = {}): Promise<Record<string, unknown>[]> {
  const reader = await OnlineFeatureReader.open([viewName], options);
  try {
    const view = reader.views[0];
    const rows = entities.map((e) => ({ [view.entity]: e }));
    const online = await reader.read(rows);
    return rows.map((row, i) => ({ ...row, ...online[i].values, found: online[i].missing.length + online[i].defaulted.length === 0 }));
  } finally {
    reader.close();
  }
}
