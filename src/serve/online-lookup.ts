import { DataKernelError } from '../errors.js';
import { OnlineFeatureReader } from '../features/online-reader.js';
import type { Session } from '../session/session.js';
import { withFeatureLookup } from './feature-lookup.js';
import type { ServableModel } from './servable.js';

/** Where served models look their features up: `%serve --features` and `datakernel serve --features`. */
export interface OnlineLookupOptions {
  /** Feature view names. */
  views: readonly string[];
  /** The project whose catalog defines the views. */
  session: Session;
  /** @default $DATAKERNEL_REDIS_URL or redis://127.0.0.1:6379 */
  redis?: string;
}

/** "v1, v2" as view names; a clear error for an empty list. */
export function viewList(text: string, flag = '--features'): string[] {
  const names = text.split(',').map((v) => v.trim()).filter(Boolean);
  if (names.length === 0) throw new DataKernelError(`${flag} needs feature view names`, `e.g. ${flag} user_stats,item_stats`);
  return names;
}

/**
 * The model with its view features read from Redis (its own long-lived reader, closed with the model), or null
 * when `optional` and none of the views holds a feature the model takes (a registry serves other models too).
 */
export async function withOnlineFeatures(model: ServableModel, options: OnlineLookupOptions & { optional: true }): Promise<ServableModel | null>;
export async function withOnlineFeatures(model: ServableModel, options: OnlineLookupOptions & { optional?: false }): Promise<ServableModel>;
export async function withOnlineFeatures(model: ServableModel, options: OnlineLookupOptions & { optional?: boolean }): Promise<ServableModel | null> {
  const reader = await OnlineFeatureReader.open(options.views, { session: options.session, redis: options.redis, longLived: true });
  try {
    const held = reader.featureViews();
    if (options.optional && !model.inputSchema.some((f) => held.has(f.name))) {
      reader.close();
      return null;
    }
    return withFeatureLookup(model, reader);
  } catch (error) {
    reader.close();
    throw error;
  }
}
