/** The brokers a stream can come from. */
export type BrokerKind = 'nats' | 'mqtt' | 'kafka';

/** One message of a stream, as the broker delivered it. */
export interface StreamMessage {
  /** NATS subject, MQTT or Kafka topic. */
  subject: string;
  /** Position in the stream: the JetStream sequence, the Kafka offset, the MQTT arrival number; grows by message. */
  sequence: number;
  /** When the broker stored it (arrival time where the broker keeps none). */
  timestamp: Date;
  /** Kafka partition; 0 for brokers without partitions. */
  partition: number;
  /** The payload bytes. */
  data: Uint8Array;
}

/** What a stream holds now. */
export interface StreamInfo {
  /** Messages retained. */
  messages: number;
  /** Sequence of the oldest and newest retained message (0 when empty). */
  firstSequence: number;
  lastSequence: number;
}

/** How much to read. */
export interface ReadOptions {
  /** Read messages with a sequence above this one. @default 0 (from the oldest retained) */
  after?: number;
  /** Stop after this many messages. @default all */
  maxMessages?: number;
  /**
   * Follow the stream: keep reading new messages as they arrive until `maxMessages`, `idleSeconds` without a
   * message, or `signal`. Without it a read stops at the newest message retained when it started.
   * @default false
   */
  follow?: boolean;
  /** When following: stop after this long without a new message. */
  idleSeconds?: number;
  /** Stops the read; messages already delivered stay delivered. */
  signal?: AbortSignal;
  /**
   * Messages the reader may receive ahead of the consumer while it works on the last batch (a load writing a
   * part keeps receiving the next one). Brokers that keep no log hold what arrives anyway.
   * @default 20000
   */
  readAhead?: number;
}

/**
 * One interface over every broker: what a stream holds and its messages in order, in batches. Brokers differ in
 * what they keep (JetStream and Kafka a log, MQTT only retained messages and what arrives while subscribed); the
 * interface is what all of them can do.
 */
export interface StreamSource {
  readonly broker: BrokerKind;
  /** The stream (NATS), topic (Kafka) or topic filter (MQTT). */
  readonly stream: string;
  /** The broker URI with any password shown as ***. */
  readonly displayUri: string;
  info(): Promise<StreamInfo>;
  /** The messages in sequence order, in batches of up to a few thousand. */
  read(options?: ReadOptions): AsyncIterable<StreamMessage[]>;
  close(): Promise<void>;
}
