import type { Admin, Consumer, Kafka } from 'kafkajs';
import { DataKernelError } from '../errors.js';
import { lostMidRead, unreachable } from './broker-error.js';
import type { StreamAddress } from './stream-uri.js';
import { WakeUp } from './wake-up.js';
import { BrokerStream } from './broker-stream.js';
import type { ReadOptions, StreamInfo, StreamMessage, StreamSource } from './stream-source.js';

const BATCH = 5000;

/**
 * A Kafka topic. Each partition is its own log: `sequence` is the offset within `partition`. Positions over
 * several partitions are not one number, so `after` applies to single-partition topics only.
 */
class KafkaTopic extends BrokerStream {
  readonly broker = 'kafka' as const;

  constructor(
    address: StreamAddress,
    private readonly kafka: Kafka,
    private readonly admin: Admin,
  ) {
    super(address);
  }

  private async offsets() {
    try {
      return await this.admin.fetchTopicOffsets(this.stream);
    } catch (error) {
      if (/does not host this topic-partition|UNKNOWN_TOPIC/i.test(String((error as Error).message ?? error))) {
        const topics = await this.admin.listTopics().catch(() => [] as string[]);
        throw new DataKernelError(`No Kafka topic ${this.stream} at ${this.address.servers.join(',')}`, topics.length ? `Topics there: ${topics.slice(0, 20).join(', ')}.` : 'Create the topic first, or check its name.');
      }
      throw unreachable(this.address, error);
    }
  }

  async info(): Promise<StreamInfo> {
    const partitions = await this.offsets();
    const messages = partitions.reduce((n, p) => n + (Number(p.high) - Number(p.low)), 0);
    return { messages, firstSequence: Math.min(...partitions.map((p) => Number(p.low))), lastSequence: Math.max(...partitions.map((p) => Number(p.high) - 1)) };
  }

  async *read(options: ReadOptions = {}): AsyncIterable<StreamMessage[]> {
    const partitions = await this.offsets();
    if (options.after !== undefined && partitions.length > 1) {
      throw new DataKernelError(`${this.stream} has ${partitions.length} partitions; a position after one offset applies to one partition`, 'Read the whole topic, or use a single-partition topic for incremental loads.');
    }
    const ends = new Map(partitions.map((p) => [p.partition, Number(p.high)]));
    const consumer: Consumer = this.kafka.consumer({ groupId: `datakernel-${process.pid}-${Date.now()}` });
    const queue: StreamMessage[] = [];
    let failure: unknown;
    const arrival = new WakeUp();
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: this.stream, fromBeginning: true });
      consumer.on(consumer.events.CRASH, (event) => {
        failure = event.payload.error;
        arrival.wake();
      });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          queue.push({ subject: this.stream, sequence: Number(message.offset), timestamp: new Date(Number(message.timestamp)), partition, data: message.value ?? new Uint8Array() });
          arrival.wake();
        },
      });
      for (const p of partitions) consumer.seek({ topic: this.stream, partition: p.partition, offset: String(Math.max(Number(p.low), (options.after ?? -1) + 1)) });
      let delivered = 0;
      let last = options.after ?? -1;
      const done = new Set<number>();
      let lastArrival = Date.now();
      while (delivered < (options.maxMessages ?? Infinity) && !options.signal?.aborted) {
        if (failure) throw lostMidRead(this.address, last, failure);
        if (queue.length) {
          const batch = queue.splice(0, BATCH).filter((m) => options.follow || m.sequence < ends.get(m.partition)!);
          for (const m of batch) if (m.sequence >= ends.get(m.partition)! - 1) done.add(m.partition);
          if (batch.length) {
            last = batch.at(-1)!.sequence;
            delivered += batch.length;
            lastArrival = Date.now();
            yield batch;
          }
          continue;
        }
        const empty = [...ends].every(([p, high]) => done.has(p) || high === Number(partitions.find((x) => x.partition === p)!.low));
        if (!options.follow && empty) return;
        if (options.idleSeconds !== undefined && Date.now() - lastArrival > options.idleSeconds * 1000) return;
        await arrival.wait(200, options.signal);
      }
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.admin.disconnect().catch(() => undefined);
  }
}

/** Connects to Kafka's bootstrap servers and checks the topic exists. */
export async function openKafka(address: StreamAddress): Promise<StreamSource> {
  const { Kafka, logLevel } = await import('kafkajs');
  const kafka = new Kafka({
    clientId: 'datakernel',
    brokers: address.servers,
    connectionTimeout: 3000,
    retry: { retries: 1, initialRetryTime: 200 },
    logLevel: logLevel.NOTHING,
    ...(address.user ? { sasl: { mechanism: 'plain' as const, username: address.user, password: address.password ?? '' } } : {}),
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    throw unreachable(address, error);
  }
  const topic = new KafkaTopic(address, kafka, admin);
  try {
    await topic.info();
  } catch (error) {
    await topic.close();
    throw error;
  }
  return topic;
}
