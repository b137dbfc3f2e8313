import { join } from 'node:path';

/**
 * The state one engine shares with the libraries its magics call: the project folder (where .datakernel/
 * lives) and lazily created services (the DuckDB instance, connections, catalog, model registry, servers).
 * Libraries own their services through `service(key, create)` so the session never imports them.
 */
export class Session {
  private readonly services = new Map<string, unknown>();
  private readonly closers: Array<() => Promise<void> | void> = [];
  private readonly interruptHandlers = new Set<() => void>();
  private interruptCheck: () => void = () => undefined;

  constructor(
    /** Folder whose .datakernel/ holds the catalog, models and history. @default process.cwd() */
    readonly projectDir: string = process.cwd(),
  ) {}

  /** The project's state folder, .datakernel/ under the project folder. */
  get stateDir(): string {
    return join(this.projectDir, '.datakernel');
  }

  /** The service stored under `key`, created by `create` on first use; `close` runs at shutdown. */
  service<T>(key: string, create: () => T, close?: (value: T) => Promise<void> | void): T {
    if (!this.services.has(key)) {
      const value = create();
      this.services.set(key, value);
      if (close) this.closers.push(() => close(value));
    }
    return this.services.get(key) as T;
  }

  /**
   * Registers how to cancel a service's work in progress (a running DuckDB query) when the cell that started it
   * is interrupted: the cell returns at once, and without this the next cell would queue behind the query.
   * Returns a function that unregisters it.
   */
  onInterrupt(handler: () => void): () => void {
    this.interruptHandlers.add(handler);
    return () => this.interruptHandlers.delete(handler);
  }

  /**
   * Sets how `throwIfInterrupted` knows the calling code belongs to an interrupted cell (the engine's check,
   * which also serves cell loops).
   */
  setInterruptCheck(check: () => void): void {
    this.interruptCheck = check;
  }

  /**
   * Throws when the calling code's cell was interrupted. An interrupted cell that was awaiting is abandoned but
   * may resume later; a library calls this before starting long work (a query), so an abandoned cell starts
   * none that the next cells would queue behind.
   */
  throwIfInterrupted(): void {
    this.interruptCheck();
  }

  /** Cancels the work in progress of an interrupted cell; a handler that fails does not stop the others. */
  interrupt(): void {
    for (const handler of this.interruptHandlers) {
      try {
        handler();
      } catch {
        // Cancelling is best effort: the service may have nothing running, or be closing.
      }
    }
  }

  /** Closes services in reverse order of creation; one failing does not stop the others. */
  async close(): Promise<void> {
    for (const closeOne of this.closers.reverse()) {
      try {
        await closeOne();
      } catch {
        // Shutdown goes on: a service that cannot close cleanly must not keep the others open.
      }
    }
    this.closers.length = 0;
    this.services.clear();
    this.interruptHandlers.clear();
  }
}

let current: Session | undefined;

/**
 * The session of the engine running in this process: what library calls from notebook cells use when they are
 * given none, so `train({...})` or `runSql(currentSession(), ...)` see the kernel's DuckDB tables and connections.
 */
export function currentSession(): Session {
  current ??= new Session();
  return current;
}

/** Makes `session` the one cells' library calls use (the engine sets its own). */
export function setCurrentSession(session: Session): void {
  current = session;
}
