/**
 * A wait that ends early when woken: a stream reader waits for the next message (or its poll interval), and the
 * code that receives messages from the broker wakes it.
 */
export class WakeUp {
  private wakeUp: (() => void) | undefined;

  /** Waits until wake(), `ms` milliseconds, or `signal` aborting, whichever comes first. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.wakeUp = done;
    });
  }

  /** Ends the wait in progress, if any. */
  wake(): void {
    this.wakeUp?.();
  }
}
