import type { MqttClient } from 'mqtt';
import { lostMidRead, unreachable } from './broker-error.js';
import type { StreamAddress } from './stream-uri.js';
import { WakeUp } from './wake-up.js';
import { BrokerStream } from './broker-stream.js';
import type { ReadOptions, StreamInfo, StreamMessage, StreamSource } from './stream-source.js';

/** Options of an MQTT subscription. */
export interface MqttOptions {
  /** Messages kept from the subscription (oldest dropped first). @default 100000 */
  keep?: number;
  /** How long to wait after subscribing for the broker's retained messages. @default 500 */
  settleMs?: number;
}

const BATCH = 5000;

/**
 * An MQTT topic filter. MQTT keeps no log: the stream is the retained messages the broker hands a new
 * subscriber plus what arrives while connected, numbered in arrival order and kept up to `keep` messages.
 */
class MqttStream extends BrokerStream {
  readonly broker = 'mqtt' as const;
  private readonly kept: StreamMessage[] = [];
  private arrived = 0;
  private online = true;
  private readonly arrival = new WakeUp();

  constructor(
    address: StreamAddress,
    private readonly client: MqttClient,
    private readonly keep: number,
  ) {
    super(address);
    client.on('message', (topic, payload) => {
      this.kept.push({ subject: topic, sequence: ++this.arrived, timestamp: new Date(), partition: 0, data: payload });
      if (this.kept.length > this.keep) this.kept.splice(0, this.kept.length - this.keep);
      this.arrival.wake();
    });
    client.on('offline', () => {
      this.online = false;
      this.arrival.wake();
    });
    client.on('connect', () => (this.online = true));
  }

  async info(): Promise<StreamInfo> {
    return { messages: this.kept.length, firstSequence: this.kept[0]?.sequence ?? 0, lastSequence: this.arrived };
  }

  async *read(options: ReadOptions = {}): AsyncIterable<StreamMessage[]> {
    let last = options.after ?? 0;
    const end = this.arrived;
    let delivered = 0;
    const max = options.maxMessages ?? Infinity;
    let lastArrival = Date.now();
    while (delivered < max && !options.signal?.aborted) {
      if (!this.online) throw lostMidRead(this.address, last);
      const start = this.kept.findIndex((m) => m.sequence > last);
      const batch = start < 0 ? [] : this.kept.slice(start, start + Math.min(BATCH, max - delivered)).filter((m) => options.follow || m.sequence <= end);
      if (batch.length) {
        last = batch.at(-1)!.sequence;
        delivered += batch.length;
        lastArrival = Date.now();
        yield batch;
        continue;
      }
      if (!options.follow) return;
      const idleLeft = options.idleSeconds === undefined ? 1000 : options.idleSeconds * 1000 - (Date.now() - lastArrival);
      if (idleLeft <= 0) return;
      await this.arrival.wait(Math.min(idleLeft, 1000), options.signal);
    }
  }

  async close(): Promise<void> {
    await this.client.endAsync(true).catch(() => undefined);
  }
}

/** Connects to an MQTT broker and subscribes to the topic filter, waiting briefly for retained messages. */
export async function openMqtt(address: StreamAddress, options: MqttOptions = {}): Promise<StreamSource> {
  const { connectAsync } = await import('mqtt');
  let client: MqttClient;
  try {
    client = await connectAsync(`mqtt://${address.servers[0]}`, { username: address.user, password: address.password, connectTimeout: 5000, reconnectPeriod: 1000, clientId: `datakernel-${process.pid}-${Math.random().toString(16).slice(2, 10)}` });
  } catch (error) {
    throw unreachable(address, error);
  }
  const source = new MqttStream(address, client, options.keep ?? 100_000);
  try {
    await client.subscribeAsync(address.stream, { qos: 1 });
  } catch (error) {
    await source.close();
    throw unreachable(address, error);
  }
  await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? 500));
  return source;
}
