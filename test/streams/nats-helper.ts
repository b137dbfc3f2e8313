import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';

export const NATS = 'nats://127.0.0.1:4222';

let counter = 0;
/** A stream name no other test (or test run) uses. */
export const uniqueStream = (label: string) => `DKS_${label}_${process.pid}_${++counter}`.toUpperCase();

/** A JetStream stream for one test, with a publisher; `remove()` deletes it. */
export async function testStream(name: string, server = '127.0.0.1:4222') {
  const nc: NatsConnection = await connect({ servers: server });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name, subjects: [`${name.toLowerCase()}.>`] });
  const js = jetstream(nc);
  const encoder = new TextEncoder();
  return {
    subject: `${name.toLowerCase()}.orders`,
    /** Publishes values (objects are JSON-encoded, strings sent as they are), 2000 in flight at a time. */
    async publish(values: Iterable<unknown>, subject = `${name.toLowerCase()}.orders`) {
      let pending: Promise<unknown>[] = [];
      for (const value of values) {
        pending.push(js.publish(subject, encoder.encode(typeof value === 'string' ? value : JSON.stringify(value))));
        if (pending.length >= 2000) {
          await Promise.all(pending);
          pending = [];
        }
      }
      await Promise.all(pending);
    },
    /** Publishes many values without waiting for each ack (core NATS), then waits until the stream holds them all. */
    async publishFast(values: Iterable<unknown>, subject = `${name.toLowerCase()}.orders`) {
      const before = (await jsm.streams.info(name)).state.messages;
      let sent = 0;
      for (const value of values) {
        nc.publish(subject, encoder.encode(typeof value === 'string' ? value : JSON.stringify(value)));
        if (++sent % 5000 === 0) await nc.flush();
      }
      await nc.flush();
      for (let i = 0; i < 600 && (await jsm.streams.info(name)).state.messages < before + sent; i++) await new Promise((r) => setTimeout(r, 50));
    },
    /** Closes the publisher, leaving the stream. */
    async close() {
      await nc.close();
    },
    async remove() {
      await jsm.streams.delete(name).catch(() => undefined);
      await nc.close();
    },
  };
}
