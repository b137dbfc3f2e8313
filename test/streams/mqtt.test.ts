import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchemaView } from '../../src/schema/index.js';
import type { QueryResult } from '../../src/sql/index.js';
import { TestMagicContext } from '../helpers/magic-context.js';

const BROKER = 'mqtt://127.0.0.1:1883';
const root = `dk-test/${process.pid}-${Date.now()}`;

// The real Mosquitto on this machine: retained messages a new subscriber gets, and live ones while connected.
describe('%connect to an MQTT topic filter on Mosquitto, queried in %%sql', () => {
  const ctx = new TestMagicContext();
  let publisher: mqtt.MqttClient;
  const sql = async (text: string) => ((await ctx.magic('sql', '', text)) as QueryResult).toArray();

  beforeAll(async () => {
    publisher = await mqtt.connectAsync(BROKER);
    for (let i = 1; i <= 5; i++) await publisher.publishAsync(`${root}/sensors/s${i}`, JSON.stringify({ sensor: `s${i}`, celsius: 20 + i / 2, ok: true }), { retain: true, qos: 1 });
  });
  afterAll(async () => {
    await ctx.session.close();
    // An empty retained payload clears the topic's retained message.
    for (let i = 1; i <= 5; i++) await publisher.publishAsync(`${root}/sensors/s${i}`, '', { retain: true, qos: 1 });
    await publisher.endAsync();
  });

  it('connects and reads the retained messages as a table', async () => {
    await ctx.magic('connect', `sensors ${BROKER} --topic '${root}/sensors/#'`);
    const rows = await sql('SELECT subject, sensor, celsius, ok FROM sensors ORDER BY sensor');
    expect(rows).toEqual([1, 2, 3, 4, 5].map((i) => ({ subject: `${root}/sensors/s${i}`, sensor: `s${i}`, celsius: 20 + i / 2, ok: true })));
  });

  it('collects what arrives while connected, and infers the schema with a field some messages lack', async () => {
    await publisher.publishAsync(`${root}/sensors/s9`, JSON.stringify({ sensor: 's9', celsius: 30, ok: false, battery: 0.8 }), { qos: 1 });
    await publisher.publishAsync(`${root}/sensors/s9`, 'not json', { qos: 1 });
    for (let i = 0; i < 100 && Number((await sql('SELECT count(*) AS n FROM sensors'))[0].n) < 6; i++) await new Promise((r) => setTimeout(r, 50));
    const [row] = await sql("SELECT count(*) AS n, max(battery) AS battery FROM sensors");
    expect(row).toEqual({ n: 6n, battery: 0.8 });
    const view = (await ctx.magic('schema', 'sensors')) as SchemaView;
    const columns = Object.fromEntries(view.columns.map((c) => [c.name, `${c.duckdbType}${c.nullable ? '' : ' NOT NULL'}`]));
    expect(columns).toEqual({
      subject: 'VARCHAR NOT NULL', sequence: 'BIGINT NOT NULL', timestamp: 'TIMESTAMP WITH TIME ZONE NOT NULL',
      sensor: 'VARCHAR NOT NULL', celsius: 'DOUBLE NOT NULL', ok: 'BOOLEAN NOT NULL', battery: 'DOUBLE',
    });
  });

  it('names the MQTT broker it cannot reach', async () => {
    const started = Date.now();
    const error = await ctx.magic('connect', `down mqtt://127.0.0.1:1 --topic 'x/#'`).catch((e: Error & { hint?: string }) => e);
    expect(String(error)).toMatch(/Cannot reach MQTT broker at mqtt:\/\/127\.0\.0\.1:1 \(topic x\/#\)/);
    expect((error as { hint?: string }).hint).toMatch(/Check that the broker is running and listening on 127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
