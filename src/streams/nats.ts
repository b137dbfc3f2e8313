import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamManager, JetStreamClient } from '@nats-io/jetstream';
import { DataKernelError } from '../errors.js';
import { lostMidRead, unreachable } from './broker-error.js';
import type { StreamAddress } from './stream-uri.js';
import { WakeUp } from './wake-up.js';
import { BrokerStream } from './broker-stream.js';
import type { ReadOptions, StreamInfo, StreamMessage, StreamSource } from './stream-source.js';

const BATCH = 5000;
// How long a read waits for the next message before looking again at idleness, aborts and lost connections.
const WAIT_MS = 250;

/** A NATS JetStream stream, read with ordered consumers (ephemeral, no state left on the server). */
class NatsStream extends BrokerStream {
  readonly broker = 'nats' as const;
  private disconnected = false;

  constructor(
    address: StreamAddress,
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
  ) {
    super(address);
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect') this.disconnected = true;
        else if (status.type === 'reconnect') this.disconnected = false;
      }
    })().catch(() => undefined);
  }

  async info(): Promise<StreamInfo> {
    let info;
    try {
      info = await this.jsm.streams.info(this.stream);
    } catch (error) {
      throw await this.explain(error);
    }
    const { messages, first_seq, last_seq } = info.state;
    return { messages, firstSequence: messages ? first_seq : 0, lastSequence: last_seq };
  }

  async *read(options: ReadOptions = {}): AsyncIterable<StreamMessage[]> {
    const info = await this.info();
    const after = options.after ?? 0;
    const max = options.maxMessages ?? Infinity;
    if (!options.follow && (info.lastSequence <= after || max <= 0)) return;
    const consumer = await this.js.consumers.get(this.stream, { deliver_policy: 'by_start_sequence', opt_start_seq: Math.max(after + 1, info.firstSequence, 1) });
    // consume() keeps pulls in flight while a batch is handed on (fetch() waits a round trip per batch); a pump
    // moves messages into a queue, pausing while it holds `readAhead` of them.
    const messages = await consumer.consume({ max_messages: 2 * BATCH, idle_heartbeat: 1000 });
    const readAhead = Math.max(options.readAhead ?? 4 * BATCH, BATCH);
    const queue: StreamMessage[] = [];
    let ended: unknown = false;
    const reader = new WakeUp();
    let wakePump: (() => void) | undefined;
    const pump = (async () => {
      for await (const m of messages) {
        const { streamSequence, timestampNanos } = m.info;
        queue.push({ subject: m.subject, sequence: streamSequence, timestamp: new Date(Math.floor(timestampNanos / 1e6)), partition: 0, data: m.data });
        if (queue.length >= BATCH) reader.wake();
        if (!options.follow && m.seq >= info.lastSequence) break;
        if (queue.length >= readAhead) await new Promise<void>((resolve) => (wakePump = resolve));
      }
    })().then(
      () => (ended = true),
      (error: unknown) => (ended = error ?? true),
    ).finally(() => reader.wake());
    const stop = () => {
      void messages.stop();
      reader.wake();
    };
    options.signal?.addEventListener('abort', stop, { once: true });
    let delivered = 0;
    let last = after;
    let lastArrival = Date.now();
    try {
      while (delivered < max && !options.signal?.aborted) {
        if (!options.follow && last >= info.lastSequence) return;
        if (options.follow && options.idleSeconds !== undefined && Date.now() - lastArrival >= options.idleSeconds * 1000) return;
        if (queue.length < BATCH && !ended) {
          await reader.wait(WAIT_MS);
        }
        if (this.disconnected || this.nc.isClosed()) throw lostMidRead(this.address, last);
        const batch = queue.splice(0, Math.min(BATCH, max - delivered));
        wakePump?.();
        if (batch.length === 0) {
          if (ended && !options.signal?.aborted) throw ended === true ? lostMidRead(this.address, last) : ended;
          continue;
        }
        lastArrival = Date.now();
        last = batch.at(-1)!.sequence;
        delivered += batch.length;
        yield batch;
      }
    } catch (error) {
      if (error instanceof DataKernelError) throw error;
      throw this.disconnected || this.nc.isClosed() ? lostMidRead(this.address, last, error) : await this.explain(error);
    } finally {
      options.signal?.removeEventListener('abort', stop);
      // close(), the pump's end and delete() wait for the server, which a lost server never answers: then the
      // consumer is only stopped here (the server drops an ephemeral consumer nobody pulls from).
      const lost = this.disconnected || this.nc.isClosed();
      if (lost) void messages.stop();
      else await messages.close().catch(() => undefined);
      wakePump?.();
      if (!lost) {
        await pump;
        await consumer.delete().catch(() => undefined);
      }
    }
  }

  async close(): Promise<void> {
    await this.nc.close().catch(() => undefined);
  }

  private async explain(error: unknown): Promise<Error> {
    if (this.disconnected || this.nc.isClosed()) return unreachable(this.address, error);
    if ((error as { code?: number }).code === 10059 || /stream not found/i.test(String((error as Error)?.message))) {
      const names: string[] = [];
      for await (const name of this.jsm.streams.names()) names.push(name);
      return new DataKernelError(
        `No JetStream stream ${this.stream} at ${this.address.servers.join(', ')}`,
        names.length
          ? `Streams there: ${names.slice(0, 20).join(', ')}. Use one of them with --stream, or create it (nats stream add ${this.stream} --subjects '${this.stream.toLowerCase()}.>').`
          : `The server has no streams yet. Create it (nats stream add ${this.stream} --subjects '${this.stream.toLowerCase()}.>') or publish through one.`,
      );
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Connects to a NATS server and checks the stream exists (JetStream must be enabled). */
export async function openNats(address: StreamAddress): Promise<StreamSource> {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstream, jetstreamManager } = await import('@nats-io/jetstream');
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: address.servers, user: address.user, pass: address.password, name: 'datakernel', timeout: 5000 });
  } catch (error) {
    throw unreachable(address, error);
  }
  try {
    let jsm: JetStreamManager;
    try {
      jsm = await jetstreamManager(nc);
    } catch (error) {
      throw new DataKernelError(`JetStream is not enabled on the NATS server at ${address.display}`, 'Start nats-server with -js (JetStream), or use a server that has it.', { cause: error });
    }
    const source = new NatsStream(address, nc, jsm, jetstream(nc));
    await source.info();
    return source;
  } catch (error) {
    await nc.close().catch(() => undefined);
    throw error;
  }
}
