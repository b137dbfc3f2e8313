import type { StreamSource } from './stream-source.js';
import { parseStreamUri, type StreamSelector } from './stream-uri.js';

/** Opens the stream a URI names: `nats://host:4222` + `{stream}`, `mqtt://host:1883` + `{topic}`, `kafka://host:9092` + `{topic}`. */
export async function openStream(uri: string, selector: StreamSelector = {}, password?: string): Promise<StreamSource> {
  const address = parseStreamUri(uri, selector, password);
  if (address.broker === 'nats') return (await import('./nats.js')).openNats(address);
  if (address.broker === 'mqtt') return (await import('./mqtt.js')).openMqtt(address);
  return (await import('./kafka.js')).openKafka(address);
}
