import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/connectors/registry.js';
import type { StreamConnector } from '../../src/connectors/stream.js';
import { DataKernelError } from '../../src/errors.js';
import { ingestStream, partRange, readCursor } from '../../src/ingest/index.js';
import { embeddedDuckDB } from '../../src/sql/duckdb.js';
import { KernelFixture } from '../faults/harness/kernel-fixture.js';
import { TestMagicContext } from '../helpers/magic-context.js';
import { testStream, uniqueStream } from './nats-helper.js';
import { OwnNats } from './own-nats.js';

const MESSAGES = 40_000;
const order = (i: number) => ({ id: i, amount: i / 4, region: i % 2 ? 'eu' : 'us' });

describe('a NATS server that goes away mid-ingest', () => {
  let nats: OwnNats;
  const name = uniqueStream('lost');
  const ctx = new TestMagicContext();
  const lake = join(ctx.session.projectDir, 'lake/lost');
  const parts = () => (existsSync(lake) ? readdirSync(lake).filter((f) => partRange(f)) : []);

  beforeAll(async () => {
    nats = await OwnNats.start();
    const stream = await testStream(name, nats.server);
    await stream.publishFast(Array.from({ length: MESSAGES }, (_, i) => order(i + 1)));
    await stream.close();
  }, 120_000);
  afterAll(async () => {
    await ctx.session.close();
    await nats.stop();
  });

  it('fails with a clear error, keeps the position at the last part written, and a rerun after the restart loads each message once', async () => {
    const events = (await connect(ctx.session, 'lost', nats.uri, { stream: name })) as StreamConnector;
    const loading = ingestStream(ctx.session, events, { into: 'lake/lost', flushMessages: 2000 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    // Killed once a few parts are in place, in the middle of the load.
    for (let i = 0; i < 1200 && parts().length < 3; i++) await new Promise((r) => setTimeout(r, 25));
    expect(parts().length).toBeGreaterThanOrEqual(3);
    await nats.kill();
    const error = await loading;
    expect(error).toBeInstanceOf(DataKernelError);
    expect(String(error)).toMatch(new RegExp(`Lost the connection to NATS at nats://127\\.0\\.0\\.1:${nats.port} \\(stream ${name}\\) mid-read, the last message received being sequence \\d+`));
    expect((error as DataKernelError).hint).toMatch(/records its position only for parts written in whole[\s\S]*Restart the broker[\s\S]*resumes from the last recorded position/);
    // The position is that of the last part in place: nothing past it was recorded, no part lies beyond it.
    const position = Number((await readCursor(ctx.session, 'lake/lost'))?.value);
    const ranges = parts().map((f) => partRange(f)!);
    expect(position).toBe(Math.max(...ranges.map((r) => r.last)));
    expect(position).toBeLessThan(MESSAGES);
    // The session still works.
    const { connection } = await embeddedDuckDB(ctx.session);
    expect((await connection.runAndReadAll('SELECT 6 * 7')).getRows()).toEqual([[42]]);

    await nats.restart();
    const again = (await connect(ctx.session, 'lost', nats.uri, { stream: name })) as StreamConnector;
    const resumed = await ingestStream(ctx.session, again, { into: 'lake/lost', flushMessages: 2000 });
    expect(resumed.cursor).toEqual({ column: 'sequence', from: String(position), to: String(MESSAGES) });
    const [row] = (await connection.runAndReadAll(`SELECT count(*) AS n, count(DISTINCT sequence) AS d, min(sequence) AS lo, max(sequence) AS hi FROM read_parquet('${lake}/*.parquet')`)).getRowObjectsJS();
    expect(row).toEqual({ n: BigInt(MESSAGES), d: BigInt(MESSAGES), lo: 1n, hi: BigInt(MESSAGES) });
  }, 120_000);
});

const KERNEL_MESSAGES = 400_000;

describe('the kernel when the broker goes away mid-%ingest', () => {
  let nats: OwnNats;
  let kernel: KernelFixture;
  const name = uniqueStream('lostk');

  beforeAll(async () => {
    nats = await OwnNats.start();
    const stream = await testStream(name, nats.server);
    await stream.publishFast(Array.from({ length: KERNEL_MESSAGES }, (_, i) => order(i + 1)));
    await stream.close();
    kernel = await KernelFixture.start();
  }, 180_000);
  afterAll(async () => {
    await kernel?.close();
    await nats?.stop();
  });

  it('answers with the error, stays alive, records no position past the parts written, and loads everything once after the restart', async () => {
    expect(await kernel.observe(`%connect ev ${nats.uri} --stream ${name}`)).toMatch(/^\[ok\] Connected ev/);
    const cell = kernel.observe('%ingest ev --into lake/ev');
    // Mid-read: the load of 400,000 messages takes over 4 s on an idle machine (200,000 once ended before 2 s).
    await new Promise((r) => setTimeout(r, 2000));
    await nats.kill();
    expect(await cell).toMatch(new RegExp(`^\\[error\\][\\s\\S]*Lost the connection to NATS at nats://127\\.0\\.0\\.1:${nats.port} \\(stream ${name}\\) mid-read[\\s\\S]*Restart the broker`));
    expect(await kernel.alive()).toBe(true);
    const lake = join(kernel.workDir, 'lake/ev');
    const written = existsSync(lake) ? readdirSync(lake).flatMap((f) => partRange(f)?.last ?? []) : [];
    // Whole parts of 100,000 from the start, none past what was read.
    expect(written.sort((a, b) => a - b)).toEqual(written.map((_, i) => (i + 1) * 100_000));
    expect(Math.max(0, ...written)).toBeLessThan(KERNEL_MESSAGES);
    await nats.restart();
    expect(await kernel.observe(`%connect ev ${nats.uri} --stream ${name}`)).toMatch(/^\[ok\] Connected ev/);
    // The rerun starts at the last part written and ends with every message once.
    const done = await kernel.observe('r = %ingest ev --into lake/ev\n[r.cursor.from, r.cursor.to].join(" ")');
    expect(done).toMatch(new RegExp(`'${Math.max(0, ...written)} ${KERNEL_MESSAGES}'\\s*$`));
    const counted = await kernel.observe("%%sql\nSELECT count(*) || ' ' || count(DISTINCT sequence) AS counts FROM read_parquet('lake/ev/*.parquet')");
    expect(counted).toMatch(new RegExp(`${KERNEL_MESSAGES} ${KERNEL_MESSAGES}`));
  }, 180_000);
});
