import { parseSourceUri, redactText } from '../connectors/uri.js';
import { DataKernelError } from '../errors.js';
import type { BrokerKind } from './stream-source.js';

/** Where a stream is: the broker, its servers and the stream or topic, with credentials kept apart. */
export interface StreamAddress {
  broker: BrokerKind;
  /** host:port of each server. */
  servers: string[];
  /** NATS stream name, Kafka topic, or MQTT topic filter. */
  stream: string;
  user?: string;
  password?: string;
  /** The URI with the password shown as ***. */
  display: string;
}

/** Which stream to read, when the URI does not say it in its path. */
export interface StreamSelector {
  /** NATS JetStream stream name. */
  stream?: string;
  /** Kafka topic or MQTT topic filter (`orders/#`). */
  topic?: string;
}

const SCHEMES: Record<string, BrokerKind> = { nats: 'nats', tls: 'nats', mqtt: 'mqtt', mqtts: 'mqtt', ws: 'mqtt', wss: 'mqtt', kafka: 'kafka' };
const DEFAULT_PORT: Record<BrokerKind, number> = { nats: 4222, mqtt: 1883, kafka: 9092 };
const EXAMPLE: Record<BrokerKind, string> = {
  nats: '%connect events nats://127.0.0.1:4222 --stream ORDERS',
  mqtt: "%connect sensors mqtt://127.0.0.1:1883 --topic 'sensors/#'",
  kafka: '%connect events kafka://host:9092 --topic orders',
};

/** The broker kind a URI's scheme names, or undefined when it names none. */
export function brokerOf(uri: string): BrokerKind | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri.trim())?.[1]?.toLowerCase();
  return scheme ? SCHEMES[scheme] : undefined;
}

/**
 * Parses `nats://host:4222` + `--stream ORDERS` (or `nats://host:4222/ORDERS`), `mqtt://host:1883` + `--topic t/#`,
 * `kafka://host1:9092,host2:9092` + `--topic orders`. Passwords follow the connectors' rules (`${VAR}`, `env:VAR`).
 */
export function parseStreamUri(uri: string, selector: StreamSelector = {}, password?: string): StreamAddress {
  const broker = brokerOf(uri);
  if (!broker) throw new DataKernelError(`Not a stream URI: ${redactText(uri)}`, 'Use nats://host:4222, mqtt://host:1883 or kafka://host:9092.');
  // Kafka lists several bootstrap servers after one scheme; URL takes one host, so the rest are split off first.
  const [head, ...more] = uri.trim().split(',');
  const parsed = parseSourceUri(broker === 'kafka' ? head : uri.trim(), password);
  const { url } = parsed;
  const port = url.port || String(DEFAULT_PORT[broker]);
  const servers = [`${url.hostname}:${port}`];
  let path = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (broker === 'kafka' && more.length) {
    const last = more.at(-1)!;
    const slash = last.indexOf('/');
    if (slash >= 0) path = decodeURIComponent(last.slice(slash + 1));
    servers.push(...more.map((s) => (s.includes('/') ? s.slice(0, s.indexOf('/')) : s)).map((s) => (s.includes(':') ? s : `${s}:${DEFAULT_PORT.kafka}`)));
  }
  const stream = (broker === 'nats' ? selector.stream : selector.topic ?? selector.stream) ?? (path || undefined);
  if (!stream) {
    const what = broker === 'nats' ? '--stream NAME' : '--topic TOPIC';
    throw new DataKernelError(`${parsed.display} names no ${broker === 'nats' ? 'stream' : 'topic'}`, `Add ${what}, e.g. ${EXAMPLE[broker]}`);
  }
  if (broker === 'nats' && !/^[^\s.*>/\\]+$/.test(stream)) {
    throw new DataKernelError(`Not a JetStream stream name: ${stream}`, 'Stream names have no spaces, dots, *, > or slashes (subjects like orders.* are the stream\'s, not its name).');
  }
  return {
    broker,
    servers,
    stream,
    user: url.username ? decodeURIComponent(url.username) : undefined,
    password: parsed.password,
    display: `${url.protocol}//${url.username ? `${url.username}${parsed.password ? ':***' : ''}@` : ''}${servers.join(',')} (${broker === 'nats' ? 'stream' : 'topic'} ${stream})`,
  };
}
