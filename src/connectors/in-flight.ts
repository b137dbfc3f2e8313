import type { Session } from '../session/session.js';

/**
 * The queries a connector has sent and still awaits, and how to cancel them server-side when the cell that
 * sent them is interrupted: the cell returns at once, and without a cancel the next query on the connection
 * would queue behind the abandoned one.
 */
export class InFlightQueries {
  private count = 0;
  private unregister?: () => void;

  constructor(
    private readonly session: Session,
    /** Cancels what runs on the connection (from a second, short-lived connection: this one is busy). */
    private readonly cancel: () => Promise<void>,
  ) {}

  /** Listens for interrupts; called when the connection opens. */
  arm(): void {
    this.unregister ??= this.session.onInterrupt(() => {
      // Best effort: a cancel that fails leaves the query to finish on its own.
      if (this.count > 0) this.cancel().catch(() => undefined);
    });
  }

  /** Stops listening; called when the connection closes. */
  disarm(): void {
    this.unregister?.();
    this.unregister = undefined;
  }

  /** Runs `work`, which sends SQL, counted as in flight; a cell already interrupted sends none but its cleanup. */
  async track<T>(work: () => Promise<T>, options: { cleanup?: boolean } = {}): Promise<T> {
    if (!options.cleanup) this.session.throwIfInterrupted();
    this.count++;
    try {
      return await work();
    } finally {
      this.count--;
    }
  }
}
