import type { Redis, RedisOptions } from 'ioredis';
import { DataKernelError } from '../errors.js';

/** Where views are materialized when no URL is given: $DATAKERNEL_REDIS_URL, else the local Redis. */
export const defaultRedisUrl = (): string => process.env.DATAKERNEL_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The URL with its password masked: what listings, errors and the catalog show. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/**
 * Opens a Redis client and waits for the connection. `failFast` (materialize, one-off reads) makes a lost
 * connection fail the commands in flight at once instead of queueing them for a reconnect that may not come.
 * `autoPipeline` sends the commands of one event-loop turn together (readers; not for MULTI/EXEC writers).
 */
export async function openRedis(url: string, { failFast = true, autoPipeline = false }: { failFast?: boolean; autoPipeline?: boolean } = {}): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const options: RedisOptions = {
    lazyConnect: true,
    connectTimeout: 3000,
    enableOfflineQueue: !failFast,
    maxRetriesPerRequest: failFast ? 0 : 1,
    retryStrategy: failFast ? () => null : (times) => Math.min(times * 100, 2000),
    // Commands issued in one event-loop turn (concurrent requests' lookups) go out in one write.
    enableAutoPipelining: autoPipeline,
  };
  const redis = new Redis(url, options);
  // Errors surface through the commands; an unhandled 'error' event would otherwise crash the kernel.
  redis.on('error', () => {});
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw redisError(error, url, 'connect to');
  }
  return redis;
}

/** A DataKernelError for a failed Redis call, naming the server (password masked) and the fix. */
export function redisError(error: unknown, url: string, doing: string): DataKernelError {
  const reason = error instanceof Error ? error.message : String(error);
  return new DataKernelError(`Cannot ${doing} Redis at ${redactUrl(url)}: ${reason.replaceAll(url, redactUrl(url))}`, 'Check that Redis runs there (redis-cli ping), or pass another with --redis redis://HOST:PORT.', { cause: error });
}
