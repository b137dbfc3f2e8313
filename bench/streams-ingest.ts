// Stream -> Parquet throughput: `%ingest events --into ... --mode incremental` (ingestStream, the path the magic
// runs: ordered JetStream consumer, DuckDB staging, schema inference and gate, atomic part files, the position in
// the catalog) against a plain consumer written with the @nats-io client alone (consume() + JSON.parse per
// message into DuckDB's appender, then COPY to Parquet), in the same run, over the same messages of a fresh
// JetStream stream on 127.0.0.1:4222. Each side runs in its own process, ROUNDS times interleaved; the best
// round of each is reported (the machine is shared). BENCH_QUICK=1: 40k messages, one round.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const QUICK = process.env.BENCH_QUICK === '1';
const MESSAGES = QUICK ? 40_000 : 200_000;
const ROUNDS = QUICK ? 1 : 3;
const SERVER = '127.0.0.1:4222';
const self = fileURLToPath(import.meta.url);
const root = join(self, '..', '..');

interface Measured {
  seconds: number;
  /** CPU seconds of the process over the same span (every thread: JS, DuckDB's, libuv's). */
  cpuSeconds: number;
  rows: number;
  /** A digest of what landed, equal on both sides when both wrote the same rows. */
  digest: string;
}

const order = (i: number) => ({ id: i, amount: (i % 10_000) / 4, region: ['eu', 'us', 'apac'][i % 3], customer: `customer-${i % 5000}`, item: { sku: `sku-${i % 97}`, qty: i % 9 } });

// What both sides' Parquet must hold: row count, sequences, and the payload values.
const DIGEST = `SELECT count(*)::VARCHAR || '/' || count(DISTINCT sequence)::VARCHAR || '/' || sum(id)::VARCHAR || '/' || sum(amount)::VARCHAR || '/' || sum(item.qty)::VARCHAR || '/' || count(DISTINCT customer)::VARCHAR`;

const cpuSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};

/** Child: %ingest's library path, timed from the call (the connection is opened first, as %connect does). */
async function ours(stream: string, dir: string): Promise<Measured> {
  const { Session } = await import('../src/session/session.js');
  const { connect } = await import('../src/connectors/registry.js');
  const { ingestStream } = await import('../src/ingest/index.js');
  const { setFallbackOutput } = await import('../src/display/output.js');
  const { embeddedDuckDB } = await import('../src/sql/duckdb.js');
  setFallbackOutput({ stream() {}, clearOutput() {}, input: async () => '', display: () => undefined });
  const session = new Session(dir);
  try {
    const events = (await connect(session, 'events', `nats://${SERVER}`, { stream })) as import('../src/connectors/stream.js').StreamConnector;
    await embeddedDuckDB(session);
    const started = performance.now();
    const cpu = process.cpuUsage();
    const result = await ingestStream(session, events, { into: 'lake/events' });
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = cpuSince(cpu);
    const { connection } = await embeddedDuckDB(session);
    const digest = String((await connection.runAndReadAll(`${DIGEST} FROM read_parquet('${join(dir, 'lake/events')}/*.parquet')`)).getRows()[0][0]);
    return { seconds, cpuSeconds, rows: result.rows, digest };
  } finally {
    await session.close();
  }
}

/** Child: the plain consumer: an ordered consumer, JSON.parse, one appender row per message, COPY to Parquet. */
async function reference(stream: string, dir: string): Promise<Measured> {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstream, jetstreamManager } = await import('@nats-io/jetstream');
  const { DuckDBInstance, DuckDBDataChunkWriter, JSToDuckDBValueConverter } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const nc = await connect({ servers: SERVER });
  try {
    const last = (await (await jetstreamManager(nc)).streams.info(stream)).state.last_seq;
    const started = performance.now();
    const cpu = process.cpuUsage();
    await db.run('CREATE TABLE events (subject VARCHAR, sequence BIGINT, "timestamp" TIMESTAMPTZ, id BIGINT, amount DOUBLE, region VARCHAR, customer VARCHAR, item STRUCT(sku VARCHAR, qty BIGINT))');
    const appender = await db.createAppender('events');
    // The library's own batching of appender rows into data chunks (one native call per 2,048 rows).
    const writer = DuckDBDataChunkWriter.forAppender(appender, { converter: JSToDuckDBValueConverter });
    const consumer = await jetstream(nc).consumers.get(stream);
    const messages = await consumer.consume({ max_messages: 10_000 });
    for await (const m of messages) {
      const o = m.json<ReturnType<typeof order>>();
      writer.appendRow([m.subject, m.seq, new Date(Number(BigInt(m.info.timestampNanos) / 1_000_000n)), o.id, o.amount, o.region, o.customer, o.item]);
      if (m.seq >= last) break;
    }
    writer.flush();
    appender.flushSync();
    appender.closeSync();
    const file = join(dir, 'reference.parquet');
    await db.run(`COPY (SELECT * FROM events ORDER BY sequence) TO '${file}' (FORMAT parquet)`);
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = cpuSince(cpu);
    const rows = Number((await db.runAndReadAll(`SELECT count(*) FROM '${file}'`)).getRows()[0][0]);
    const digest = String((await db.runAndReadAll(`${DIGEST} FROM '${file}'`)).getRows()[0][0]);
    return { seconds, cpuSeconds, rows, digest };
  } finally {
    await nc.close();
    db.closeSync();
    instance.closeSync();
  }
}

/** Publishes the messages to a new stream (core NATS publishes, then waits until the stream holds them all). */
async function publish(stream: string): Promise<void> {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: SERVER });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [`${stream.toLowerCase()}.>`] });
    const encoder = new TextEncoder();
    for (let i = 1; i <= MESSAGES; i++) {
      nc.publish(`${stream.toLowerCase()}.orders`, encoder.encode(JSON.stringify(order(i))));
      if (i % 2000 === 0) await nc.flush();
    }
    await nc.flush();
    for (let i = 0; i < 1200 && (await jsm.streams.info(stream)).state.messages < MESSAGES; i++) await new Promise((r) => setTimeout(r, 50));
    const held = (await jsm.streams.info(stream)).state.messages;
    if (held !== MESSAGES) throw new Error(`the stream holds ${held} of ${MESSAGES} messages`);
  } finally {
    await nc.close();
  }
}

async function removeStream(stream: string): Promise<void> {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: SERVER });
  await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
  await nc.close();
}

function runChild(args: string[]): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', self, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1)!)) : reject(new Error(`${args[0]} exited ${code}: ${stderr}`))));
  });
}

async function main(): Promise<void> {
  const stream = `DKBENCH_INGEST_${process.pid}`;
  const dirs: string[] = [];
  try {
    await publish(stream);
    const runs: Record<'ours' | 'reference', Measured[]> = { ours: [], reference: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of round % 2 ? (['ours', 'reference'] as const) : (['reference', 'ours'] as const)) {
        const dir = mkdtempSync(join(tmpdir(), `dk-bench-streams-${side}-`));
        dirs.push(dir);
        runs[side].push(await runChild([side, stream, dir]));
      }
    }
    const digests = new Set([...runs.ours, ...runs.reference].map((r) => r.digest));
    if (digests.size !== 1 || runs.ours.some((r) => r.rows !== MESSAGES)) throw new Error(`the two sides landed different rows: ${JSON.stringify(runs)}`);
    const best = (side: Measured[]) => Math.min(...side.map((r) => r.seconds));
    const oursRate = MESSAGES / best(runs.ours);
    const refRate = MESSAGES / best(runs.reference);
    const load = loadavg().map((l) => l.toFixed(2)).join(' ');
    const vs = 'vs plain @nats-io consume() + JSON.parse -> DuckDB appender -> COPY Parquet';
    console.log(`streams-ingest nats->parquet ${MESSAGES.toLocaleString('en-US')} messages: ${Math.round(oursRate).toLocaleString('en-US')} rows/s (${(oursRate / refRate).toFixed(2)}x ${vs} at ${Math.round(refRate).toLocaleString('en-US')} rows/s; target >= 0.8x)`);
    console.log(`streams-ingest rounds (s): ours ${runs.ours.map((r) => r.seconds.toFixed(2)).join(', ')}; reference ${runs.reference.map((r) => r.seconds.toFixed(2)).join(', ')}; load average ${load}`);
  } finally {
    await removeStream(stream);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

const [mode, stream, dir] = process.argv.slice(2);
if (mode === 'ours') console.log(JSON.stringify(await ours(stream, dir)));
else if (mode === 'reference') console.log(JSON.stringify(await reference(stream, dir)));
else await main();
