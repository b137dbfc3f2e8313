import { describe, expect, it } from 'vitest';
import { brokerOf, parseStreamUri } from '../../src/streams/stream-uri.js';

describe('stream URIs', () => {
  it('parses Kafka bootstrap lists, the topic from the path or --topic, and default ports', () => {
    expect(parseStreamUri('kafka://k1:9092,k2:9093,k3/orders')).toMatchObject({ broker: 'kafka', servers: ['k1:9092', 'k2:9093', 'k3:9092'], stream: 'orders' });
    expect(parseStreamUri('kafka://k1', { topic: 'orders' })).toMatchObject({ servers: ['k1:9092'], stream: 'orders', display: 'kafka://k1:9092 (topic orders)' });
    expect(parseStreamUri('kafka://k1:9092/from-path', { topic: 'from-option' }).stream).toBe('from-option');
  });

  it('keeps a Kafka password out of the display', () => {
    const address = parseStreamUri('kafka://app:s3cret@k1:9092', { topic: 'orders' });
    expect(address).toMatchObject({ user: 'app', password: 's3cret', display: 'kafka://app:***@k1:9092 (topic orders)' });
  });

  it('says what is missing: the topic, with an example', () => {
    expect(() => parseStreamUri('kafka://k1:9092')).toThrow(/kafka:\/\/k1:9092 names no topic/);
    try {
      parseStreamUri('kafka://k1:9092');
    } catch (error) {
      expect((error as { hint?: string }).hint).toBe('Add --topic TOPIC, e.g. %connect events kafka://host:9092 --topic orders');
    }
  });

  it('knows the brokers by scheme', () => {
    expect(['nats://a', 'mqtt://a', 'mqtts://a', 'kafka://a', 'postgres://a'].map(brokerOf)).toEqual(['nats', 'mqtt', 'mqtt', 'kafka', undefined]);
  });
});
