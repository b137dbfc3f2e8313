import { randomUUID } from 'node:crypto';
import { Dealer, Request, Subscriber } from 'zeromq';
import { endpoint, type ConnectionInfo } from '../../kernel/protocol/connection.js';
import { makeMessage, type Message } from '../../kernel/protocol/message.js';
import { decode, encode, Signer, WireError } from '../../kernel/protocol/wire.js';

type Content = Record<string, any>;
/** A message from the kernel. */
export type KernelMessage = Message<Content>;
type RequestChannel = 'shell' | 'control';

/** zeromq sockets take one send at a time. */
class SerialSender {
  private tail: Promise<void> = Promise.resolve();
  constructor(private readonly socket: { send(frames: Buffer[]): Promise<void> }) {}
  send(frames: Buffer[]): Promise<void> {
    const sent = this.tail.then(() => this.socket.send(frames));
    this.tail = sent.catch(() => undefined);
    return sent;
  }
}

interface Pending {
  resolve(reply: KernelMessage): void;
  reject(error: Error): void;
}

/**
 * The client side of the Jupyter messaging protocol over ZeroMQ, for any kernel: requests on shell/control
 * matched to their replies, IOPub messages routed by parent request, and heartbeats. Knows nothing of
 * processes or front ends.
 */
export class KernelClient {
  readonly session = randomUUID();
  private readonly signer: Signer;
  private readonly sockets: { shell: Dealer; control: Dealer; stdin: Dealer; iopub: Subscriber };
  private readonly senders: Record<RequestChannel | 'stdin', SerialSender>;
  private readonly pending = new Map<string, Pending>();
  private readonly iopubListeners = new Map<string, (message: KernelMessage) => void>();
  private readonly inputHandlers = new Map<string, (prompt: string, password: boolean) => Promise<string>>();
  private closed: Error | undefined;

  private constructor(private readonly info: ConnectionInfo) {
    this.signer = new Signer(info.key, info.signature_scheme);
    const options = { linger: 0 };
    // Kernels route input_request to the identity that sent the execute_request, so shell and stdin share one.
    const routed = { ...options, routingId: this.session };
    this.sockets = { shell: new Dealer(routed), control: new Dealer(options), stdin: new Dealer(routed), iopub: new Subscriber(options) };
    this.senders = {
      shell: new SerialSender(this.sockets.shell),
      control: new SerialSender(this.sockets.control),
      stdin: new SerialSender(this.sockets.stdin),
    };
  }

  /** Connects to the kernel that listens on `info` (connecting never waits for the kernel to be up). */
  static connect(info: ConnectionInfo): KernelClient {
    const client = new KernelClient(info);
    const { shell, control, stdin, iopub } = client.sockets;
    shell.connect(endpoint(info, 'shell'));
    control.connect(endpoint(info, 'control'));
    stdin.connect(endpoint(info, 'stdin'));
    iopub.connect(endpoint(info, 'iopub'));
    iopub.subscribe();
    void client.receiveReplies(shell);
    void client.receiveReplies(control);
    void client.receiveIopub();
    void client.answerInput();
    return client;
  }

  /** Sends a request; `reply` settles with its reply, or rejects once the client is closed or fails. */
  request(channel: RequestChannel, msgType: string, content: Content): { msgId: string; reply: Promise<KernelMessage> } {
    const message = makeMessage(msgType, content, { session: this.session });
    const msgId = message.header.msg_id;
    const reply = new Promise<KernelMessage>((resolve, reject) => {
      if (this.closed) return reject(this.closed);
      this.pending.set(msgId, { resolve, reject });
    });
    this.senders[channel].send(encode(message, this.signer)).catch((error: Error) => this.settle(msgId, undefined, error));
    return { msgId, reply };
  }

  /** Routes IOPub messages whose parent is request `msgId` to `listener`; returns the function that stops it. */
  listen(msgId: string, listener: (message: KernelMessage) => void): () => void {
    this.iopubListeners.set(msgId, listener);
    return () => this.iopubListeners.delete(msgId);
  }

  /** Answers the kernel's input_request under request `msgId` with `ask`; returns the function that stops it. */
  onInputRequest(msgId: string, ask: (prompt: string, password: boolean) => Promise<string>): () => void {
    this.inputHandlers.set(msgId, ask);
    return () => this.inputHandlers.delete(msgId);
  }

  /** True when the kernel echoes a heartbeat within `timeoutMs`. */
  async heartbeat(timeoutMs: number): Promise<boolean> {
    // A REQ socket is unusable after a lost reply, so each beat gets its own.
    const socket = new Request({ linger: 0, receiveTimeout: timeoutMs, sendTimeout: timeoutMs });
    try {
      socket.connect(endpoint(this.info, 'hb'));
      await socket.send('ping');
      await socket.receive();
      return true;
    } catch {
      return false;
    } finally {
      socket.close();
    }
  }

  /** Rejects every pending request with `error` and closes the sockets. */
  close(error = new Error('The kernel client was closed')): void {
    if (this.closed) return;
    this.closed = error;
    for (const [msgId] of this.pending) this.settle(msgId, undefined, error);
    for (const socket of Object.values(this.sockets)) socket.close();
  }

  private settle(msgId: string, reply: KernelMessage | undefined, error?: Error): void {
    const pending = this.pending.get(msgId);
    if (!pending) return;
    this.pending.delete(msgId);
    if (reply) pending.resolve(reply);
    else pending.reject(error ?? new Error('no reply'));
  }

  private decode(frames: Buffer[]): KernelMessage | undefined {
    try {
      return decode(frames, this.signer) as KernelMessage;
    } catch (error) {
      // A message that fails its signature is not from our kernel: drop it, as the spec requires.
      if (error instanceof WireError) return undefined;
      throw error;
    }
  }

  /**
   * Reads a socket until it closes, handing each message that decodes (signed by our kernel) to `handle`; a
   * socket that fails closes the client, unless it is closing already.
   */
  private async consume(socket: AsyncIterable<Buffer[]>, handle: (message: KernelMessage) => Promise<void> | void): Promise<void> {
    try {
      for await (const frames of socket) {
        const message = this.decode(frames);
        if (message) await handle(message);
      }
    } catch (error) {
      if (!this.closed) this.close(error as Error);
    }
  }

  private receiveReplies(socket: Dealer): Promise<void> {
    return this.consume(socket, (message) => {
      const parent = message.parent_header.msg_id;
      if (parent) this.settle(parent, message);
    });
  }

  private answerInput(): Promise<void> {
    return this.consume(this.sockets.stdin, async (message) => {
      const ask = this.inputHandlers.get(String(message.parent_header.msg_id));
      if (!ask || message.header.msg_type !== 'input_request') return;
      // The kernel waits for a reply whatever happens; a front end that cannot ask answers with nothing.
      const value = await ask(String(message.content.prompt ?? ''), Boolean(message.content.password)).catch(() => '');
      const reply = makeMessage('input_reply', { value }, { session: this.session, parent: message });
      await this.senders.stdin.send(encode(reply, this.signer)).catch(() => undefined);
    });
  }

  private receiveIopub(): Promise<void> {
    return this.consume(this.sockets.iopub, (message) => {
      const parent = message.parent_header.msg_id;
      if (parent) this.iopubListeners.get(parent)?.(message);
    });
  }
}
