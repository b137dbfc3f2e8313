import { DataKernelError } from '../errors.js';
import type { Session } from '../session/session.js';
import { InferenceServer, type InferenceServerOptions } from './inference-server.js';
import type { ServableModel } from './servable.js';

/** One served model as `%serve --list` shows it. */
export type ServedModelInfo = {
  model: string;
  versions: string;
  url: string;
  /** Requests the model's server has answered (all its models together). */
  requests: number;
};

const DEFAULT_PORT = 8501;

const addressOf = (options: InferenceServerOptions) => `${options.host ?? '127.0.0.1'}:${options.port ?? DEFAULT_PORT}`;

/**
 * The inference servers a notebook session started. Models asked for on the same address share one
 * server; a server whose last model stops is closed.
 */
export class ServerPool {
  private readonly servers = new Map<string, { server: InferenceServer; settings: string }>();

  /** Serves `model` on the server at the options' address, starting that server when there is none. */
  async serve(model: ServableModel, options: InferenceServerOptions = {}): Promise<InferenceServer> {
    const settings = JSON.stringify({ ...options, host: undefined, port: undefined });
    let entry = options.port === 0 ? undefined : this.servers.get(addressOf(options));
    // A new version on the same server replaces in place; elsewhere the old server lets go of the name first.
    if (!entry?.server.repository.names().includes(model.name)) await this.stop(model.name);
    if (entry && entry.settings !== settings) {
      throw new DataKernelError(
        `The server at ${entry.server.url} already runs with other batching or logging settings`,
        'Pick another --port, or stop its models (%serve --stop NAME) and serve again.',
      );
    }
    if (!entry) {
      const server = new InferenceServer({ port: DEFAULT_PORT, ...options });
      try {
        await server.listen();
      } catch (error) {
        await server.close().catch(() => {});
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new DataKernelError(`Port ${options.port ?? DEFAULT_PORT} on ${server.host} is in use`, 'Pass --port P with a free port (--port 0 picks one).');
        }
        throw error;
      }
      entry = { server, settings };
      this.servers.set(`${server.host}:${server.port}`, entry);
    }
    entry.server.repository.add(model);
    return entry.server;
  }

  /** Stops serving `name`; false when no server of this session serves it. */
  async stop(name: string): Promise<boolean> {
    for (const [address, { server }] of this.servers) {
      if (!server.repository.remove(name)) continue;
      if (server.repository.size === 0) {
        this.servers.delete(address);
        await server.close();
      }
      return true;
    }
    return false;
  }

  list(): ServedModelInfo[] {
    return [...this.servers.values()].flatMap(({ server }) => {
      const requests = Object.values(server.metrics.snapshot().requests).reduce((a, b) => a + b, 0);
      return server.repository.names().map((name) => ({ model: name, versions: server.repository.versions(name).join(', '), url: server.url, requests }));
    });
  }

  async closeAll(): Promise<void> {
    const servers = [...this.servers.values()];
    this.servers.clear();
    await Promise.all(servers.map(({ server }) => server.close()));
  }
}

/** The session's server pool, closed with the session. */
export const serverPool = (session: Session): ServerPool =>
  session.service('serve.servers', () => new ServerPool(), (pool) => pool.closeAll());
