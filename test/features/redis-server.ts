import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, killAndWait } from '../helpers/serve-process.js';

/**
 * A redis-server of the test's own on a spare port, with an append-only file, so it can be killed (SIGKILL, as a
 * crashed or OOM-killed server) and started again on the same port with what it had acknowledged.
 */
export class OwnRedisServer {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'dk-redis-'));
  port = 0;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', this.dir], { stdio: 'ignore' });
    this.child = child;
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      for (let attempt = 0; ; attempt++) {
        if (child.exitCode !== null) throw new Error(`redis-server exited ${child.exitCode} on port ${this.port}`);
        try {
          await probe.connect();
          // Answers PING only once the append-only file is loaded.
          if ((await probe.ping()) === 'PONG') return;
        } catch (error) {
          if (attempt > 100) throw error;
          probe.disconnect();
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    } finally {
      probe.disconnect();
    }
  }

  /** SIGKILL: no shutdown, no final save. */
  async kill(): Promise<void> {
    await killAndWait(this.child);
  }

  async close(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
