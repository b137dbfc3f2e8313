import { inspect } from 'node:util';

/**
 * What `QueryResult.toArray()` and friends return: an array to use at once when the rows are already in the
 * kernel (`top.toArray().map(...)`, as with Arrow's `table.toArray()`), and something to `await` in every case
 * (`await top.toArray()`), so code written either way keeps working whatever the result's size.
 */
export type Rows<T> = T[] & PromiseLike<T[]>;

/**
 * Rows already in the kernel, as a plain array that can also be awaited (or `.then`ed): awaiting it gives a
 * copy without `then`, so the promise machinery does not unwrap it again.
 */
export function readyRows<T>(rows: T[]): Rows<T> {
  const then = <A = T[], B = never>(ok?: ((rows: T[]) => A | PromiseLike<A>) | null, fail?: ((reason: unknown) => B | PromiseLike<B>) | null) =>
    Promise.resolve([...rows]).then(ok, fail);
  Object.defineProperty(rows, 'then', { value: then, enumerable: false, configurable: true, writable: true });
  return rows as Rows<T>;
}

/**
 * Rows that must still be read (asynchronously) from DuckDB: a promise-like that starts reading only when
 * awaited, so `result.toArray().map(...)` on ten million rows reads nothing. Using it as an array throws
 * `notHere()`, the error that says to `await` it instead.
 */
export function pendingRows<T>(read: () => Promise<T[]>, notHere: () => Error): Rows<T> {
  let reading: Promise<T[]> | undefined;
  const start = () => (reading ??= read());
  const promiseLike = {
    then: <A = T[], B = never>(ok?: ((rows: T[]) => A | PromiseLike<A>) | null, fail?: ((reason: unknown) => B | PromiseLike<B>) | null) => start().then(ok, fail),
    catch: <B = never>(fail?: ((reason: unknown) => B | PromiseLike<B>) | null) => start().catch(fail),
    finally: (done?: (() => void) | null) => start().finally(done),
    [Symbol.toStringTag]: 'Promise',
    [inspect.custom]: () => 'Promise { <rows still in DuckDB: await them> }',
  };
  return new Proxy(promiseLike, {
    get(target, key, receiver) {
      if (key in target) return Reflect.get(target, key, receiver);
      // Array members and indexes are what a caller expecting an array reaches for; anything else (a
      // formatter probing for display hooks) is simply absent.
      if (typeof key === 'string' && (key in Array.prototype || /^\d+$/.test(key))) throw notHere();
      return undefined;
    },
  }) as unknown as Rows<T>;
}
