import type { Redis } from 'ioredis';

/** Calls `each` with every batch of keys matching `match`, walking the key-space with SCAN (never KEYS). */
export async function forEachKeyBatch(redis: Redis, match: string, each: (keys: string[]) => Promise<unknown> | void): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 20_000);
    cursor = next;
    if (found.length) await each(found);
  } while (cursor !== '0');
}

/** How many keys match `match`. */
export async function countKeys(redis: Redis, match: string): Promise<number> {
  let count = 0;
  await forEachKeyBatch(redis, match, (keys) => void (count += keys.length));
  return count;
}

/** Deletes (UNLINK) every key matching `match`: what a test or bench wrote under its prefix. */
export const dropKeys = (redis: Redis, match: string): Promise<void> => forEachKeyBatch(redis, match, (keys) => redis.unlink(...keys));
