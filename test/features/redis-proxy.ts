import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy in front of the real Redis that can be cut: every connection dropped at once and new ones
 * refused, as when a Redis server goes away in the middle of a run. `cutAfterBytes` cuts it by itself once that
 * many bytes went to Redis.
 */
export class CuttableRedisProxy {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private sent = 0;
  private cutAfterBytes = Infinity;
  down = false;

  constructor(private readonly upstreamPort = 6379) {}

  async start(): Promise<string> {
    this.server = createServer((client) => {
      if (this.down) return void client.destroy();
      const upstream = connect(this.upstreamPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {});
      }
      client.on('data', (data: Buffer) => {
        this.sent += data.length;
        upstream.write(data);
        if (this.sent >= this.cutAfterBytes) this.cut();
      });
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `redis://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  cut(): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
  }

  /** Cuts the proxy once `bytes` more went to Redis. */
  cutAfter(bytes: number): void {
    this.sent = 0;
    this.cutAfterBytes = bytes;
  }

  restore(): void {
    this.down = false;
    this.sent = 0;
    this.cutAfterBytes = Infinity;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
