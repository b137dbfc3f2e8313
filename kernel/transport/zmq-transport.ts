import { Worker } from 'node:worker_threads';
import type { ConnectionInfo } from '../protocol/connection.js';
import type { Message } from '../protocol/message.js';
import type { ReceiveChannel, SendChannel, Transport } from './transport.js';

/** The ZeroMQ transport: sockets live on their own thread (socket-thread.ts); this side only posts messages. */
export class ZmqTransport implements Transport {
  private handler: ((channel: ReceiveChannel, message: Message) => void) | undefined;
  private readonly outbox: Array<{ channel: SendChannel; message: Message<unknown> }> = [];

  private constructor(private readonly worker: Worker) {
    worker.on('message', (event: { type: string; channel?: ReceiveChannel; message?: Message }) => {
      if (event.type === 'message' && this.handler) this.handler(event.channel!, revive(event.message!));
    });
  }

  /**
   * Binds every channel of the connection file; resolves once the sockets listen. `kernelInfo` is the
   * kernel_info_reply content the socket thread answers on control by itself.
   */
  static start(connection: ConnectionInfo, session: string, kernelInfo: Record<string, unknown>): Promise<ZmqTransport> {
    const worker = new Worker(new URL('./socket-thread.js', import.meta.url), { workerData: { connection, session, kernelInfo } });
    return new Promise((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', function ready(event: { type: string; error?: string }) {
        if (event.type === 'ready') {
          worker.off('message', ready);
          resolve(new ZmqTransport(worker));
        } else if (event.type === 'failed') reject(new Error(event.error));
      });
    });
  }

  send(channel: SendChannel, message: Message<unknown>): void {
    // One postMessage per turn of the event loop (busy + execute_input, then result + reply + idle): structured
    // cloning across threads is the dearest step on the round-trip's hot path.
    if (this.outbox.push({ channel, message }) === 1) queueMicrotask(() => this.worker.postMessage({ type: 'send', items: this.outbox.splice(0) }));
  }

  onMessage(handler: (channel: ReceiveChannel, message: Message) => void): void {
    this.handler = handler;
  }

  async close(): Promise<void> {
    this.worker.postMessage({ type: 'close' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await this.worker.terminate();
  }
}

/** Buffers arrive from the thread as Uint8Arrays. */
function revive(message: Message): Message {
  const buffers = (parts: Uint8Array[]) => parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength));
  return { ...message, identities: buffers(message.identities), buffers: buffers(message.buffers) };
}
