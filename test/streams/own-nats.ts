// A nats-server of the test's own (JetStream, file storage in a temporary folder, a spare port), so a test can
// kill the broker mid-read and start it again on the same port and storage.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, killAndWait } from '../helpers/serve-process.js';

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

export class OwnNats {
  private process: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly storage: string,
  ) {}

  static async start(): Promise<OwnNats> {
    const server = new OwnNats(await freePort(), mkdtempSync(join(tmpdir(), 'dk-own-nats-')));
    await server.restart();
    return server;
  }

  get uri(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get server(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Starts the server (again, on the same port and storage) and waits until it listens. */
  async restart(): Promise<void> {
    this.process = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.storage], { stdio: 'ignore' });
    for (let i = 0; i < 200 && !(await listening(this.port)); i++) await new Promise((r) => setTimeout(r, 50));
    if (!(await listening(this.port))) throw new Error(`nats-server did not listen on ${this.port}`);
  }

  /** SIGKILLs the server, as a crash would, and waits for it to be gone. */
  async kill(): Promise<void> {
    await killAndWait(this.process);
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.storage, { recursive: true, force: true });
  }
}
