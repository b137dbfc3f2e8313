import { Worker } from 'node:worker_threads';
import { zeromq } from './zeromq.js';
import { endpoint, type ConnectionInfo } from '../protocol/connection.js';
import type { Message } from '../protocol/message.js';
import { ReplayGuard, Signer } from '../protocol/wire.js';
import { frame, log, receive, revive, SerialSender } from './socket-io.js';
import type { ReceiveChannel, SendChannel, Transport } from './transport.js';

type ThreadEvent = { type: 'failed'; error: string } | { type: 'message'; message: Message; signature: Uint8Array } | { type: 'iopub'; message: Message };

/**
 * The ZeroMQ transport: shell, stdin and IOPub on this thread (the request path has no thread hop); control and
 * heartbeat on their own thread (control-thread.ts), so they answer while a cell blocks this one.
 */
export class ZmqTransport implements Transport {
  private handler: ((channel: ReceiveChannel, message: Message) => void) | undefined;
  /** Requests that arrive before the core listens (a client's first kernel_info can beat start-up). */
  private early: Array<[ReceiveChannel, Message]> | undefined = [];
  private readonly signer: Signer;
  private readonly replays = new ReplayGuard();
  private readonly shell = new zeromq.Router();
  private readonly stdin = new zeromq.Router();
  private readonly iopub = new zeromq.Publisher();
  private readonly senders: Record<'shell' | 'stdin' | 'iopub', SerialSender>;
  private worker: Worker | undefined;

  private constructor(
    private readonly connection: ConnectionInfo,
    private readonly session: string,
  ) {
    this.signer = new Signer(connection.key, connection.signature_scheme);
    this.senders = { shell: new SerialSender(this.shell), stdin: new SerialSender(this.stdin), iopub: new SerialSender(this.iopub) };
  }

  /**
   * Binds every channel of the connection file (only its address); resolves once shell, stdin and IOPub listen.
   * The control thread starts meanwhile: booting a worker costs more CPU than the rest of start-up together
   * (a profile of start-up: ~100 ms of a loaded machine's CPU, ~50 ms idle), and clients wait for kernel_info
   * on shell, not control; what reaches control or heartbeat before it binds waits in the client's queue.
   * `kernelInfo` is the kernel_info_reply content the control thread answers by itself.
   */
  static async start(connection: ConnectionInfo, session: string, kernelInfo: Record<string, unknown>): Promise<ZmqTransport> {
    const transport = new ZmqTransport(connection, session);
    await transport.bindHere();
    transport.startThread(kernelInfo);
    return transport;
  }

  private async bindHere(): Promise<void> {
    const { connection, signer, replays } = this;
    await Promise.all([this.shell.bind(endpoint(connection, 'shell')), this.stdin.bind(endpoint(connection, 'stdin')), this.iopub.bind(endpoint(connection, 'iopub'))]);
    void receive('shell', this.shell, signer, replays, (message) => this.deliver('shell', message));
    void receive('stdin', this.stdin, signer, replays, (message) => this.deliver('stdin', message));
  }

  /** A kernel without control and heartbeat cannot be interrupted or watched: it stops, saying why. */
  private startThread(kernelInfo: Record<string, unknown>): void {
    const worker = new Worker(new URL('./control-thread.js', import.meta.url), { workerData: { connection: this.connection, session: this.session, kernelInfo } });
    this.worker = worker;
    const fail = (error: string) => {
      log(error);
      process.exit(1);
    };
    worker.once('error', (error) => fail(`the control thread failed: ${error.message}`));
    worker.on('message', (event: ThreadEvent) => {
      if (event.type === 'failed') fail(event.error);
      else if (event.type === 'iopub') this.send('iopub', event.message);
      else if (event.type === 'message') this.deliverControl(event.message, Buffer.from(event.signature));
    });
  }

  send(channel: SendChannel, message: Message<unknown>): void {
    if (channel === 'control') this.worker!.postMessage({ type: 'send', message });
    else this.senders[channel].send(frame(message, this.signer, channel === 'iopub' ? this.session : undefined));
  }

  async flush(): Promise<void> {
    await Promise.all(Object.values(this.senders).map((sender) => sender.sent()));
  }

  onMessage(handler: (channel: ReceiveChannel, message: Message) => void): void {
    this.handler = handler;
    const early = this.early ?? [];
    this.early = undefined;
    for (const [channel, message] of early) handler(channel, message);
  }

  /** A control request the control thread passed on, unless shell or stdin already took a message of its signature. */
  private deliverControl(message: Message, signature: Buffer): void {
    try {
      this.replays.check(signature);
    } catch (error) {
      log(`dropped a message on control: ${(error as Error).message}`);
      return;
    }
    this.deliver('control', revive(message));
  }

  private deliver(channel: ReceiveChannel, message: Message): void {
    if (this.early) this.early.push([channel, message]);
    else this.handler?.(channel, message);
  }

  async close(): Promise<void> {
    this.worker?.postMessage({ type: 'close' });
    // Lets queued replies (shutdown_reply, the last status) leave before the sockets close.
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const socket of [this.shell, this.stdin, this.iopub]) socket.close();
    await this.worker?.terminate();
  }
}
