/** How requests are grouped into model calls. */
export interface BatchingOptions {
  /** Rows per model call at most; a larger single request still runs as one call. @default 64 */
  maxBatchSize?: number;
  /**
   * Milliseconds the first queued request waits for others. 0 groups only requests that arrived in the
   * same turn of the event loop, which costs no latency. @default 0
   */
  maxWaitMs?: number;
}

interface Pending<R> {
  rows: R[];
  resolve(results: unknown[]): void;
  reject(error: unknown): void;
}

/**
 * Groups the rows of requests that arrive together into one `run` call (as TF Serving's batching and
 * Ray Serve's @serve.batch do), then hands each request its own slice of the results.
 */
export class Batcher<R> {
  private queue: Pending<R>[] = [];
  private queuedRows = 0;
  private cancelScheduled: (() => void) | undefined;
  private readonly maxBatchSize: number;
  private readonly maxWaitMs: number;

  constructor(
    private readonly run: (rows: R[]) => Promise<unknown[]>,
    options: BatchingOptions = {},
    private readonly onBatch: (rows: number) => void = () => {},
  ) {
    this.maxBatchSize = options.maxBatchSize ?? 64;
    this.maxWaitMs = options.maxWaitMs ?? 0;
  }

  /** Resolves with one result per row, in order, once the batch holding these rows has run. */
  submit(rows: R[]): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      this.queuedRows += rows.length;
      if (this.queuedRows >= this.maxBatchSize) this.flush();
      else this.cancelScheduled ??= this.schedule();
    });
  }

  private schedule(): () => void {
    if (this.maxWaitMs > 0) {
      const timer = setTimeout(() => this.flush(), this.maxWaitMs);
      return () => clearTimeout(timer);
    }
    // setImmediate runs after the poll phase, so every request read in this loop turn joins the batch.
    const immediate = setImmediate(() => this.flush());
    return () => clearImmediate(immediate);
  }

  private flush(): void {
    this.cancelScheduled?.();
    this.cancelScheduled = undefined;
    while (this.queue.length) {
      const batch: Pending<R>[] = [];
      let size = 0;
      while (this.queue.length && (batch.length === 0 || size + this.queue[0].rows.length <= this.maxBatchSize)) {
        const next = this.queue.shift()!;
        batch.push(next);
        size += next.rows.length;
      }
      this.queuedRows -= size;
      void this.execute(batch, size);
    }
  }

  private async execute(batch: Pending<R>[], size: number): Promise<void> {
    this.onBatch(size);
    try {
      const results = await this.run(batch.length === 1 ? batch[0].rows : batch.flatMap((p) => p.rows));
      let offset = 0;
      for (const p of batch) {
        p.resolve(results.slice(offset, offset + p.rows.length));
        offset += p.rows.length;
      }
    } catch (error) {
      if (batch.length === 1) batch[0].reject(error);
      // One request's rows can fail a shared call; rerun each alone so the others still get answers.
      else for (const p of batch) void this.execute([p], p.rows.length);
    }
  }
}
