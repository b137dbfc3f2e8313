import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { engineHarness } from '../engine/engine-harness.js';
import { afterInterruptedOverwrite, dropOverwritten, overwriteUploads } from '../helpers/clickhouse.js';

const { engine, dir, run, value } = engineHarness();
afterAll(() => engine.shutdown());

const interrupted = (outcome: Awaited<ReturnType<typeof run>>['outcome']) =>
  outcome.status === 'error' ? outcome.error.ename : `not interrupted: ${outcome.status}`;

/**
 * A 60-second query interrupted after 500 ms: the next query on the same connection answers within seconds only
 * if the first was cancelled on the server (otherwise it queues behind it).
 */
async function interruptsAndAnswers(name: string, sleep: string, afterMs = 500): Promise<void> {
  setTimeout(() => engine.interrupt(), afterMs);
  const started = performance.now();
  const long = await run(`%%sql --on ${name}\n${sleep}`);
  expect(interrupted(long.outcome)).toBe('KeyboardInterrupt');
  // Without the cancel the answer waits the full minute: the timeout turns that into a failed assertion.
  const next = await run(`%%sql --on ${name}\nSELECT 42 AS answer`, { timeoutMs: 10_000 });
  expect(next.outcome.status).toBe('ok');
  expect(next.text).toMatch(/^42$/m);
  expect(performance.now() - started).toBeLessThan(10_000);
}

describe('interrupting a %%sql --on cell cancels its query on the server', () => {
  it('Postgres', async () => {
    await value('%connect cancel_pg postgres://postgres@127.0.0.1:5432/test');
    await interruptsAndAnswers('cancel_pg', 'SELECT pg_sleep(60)');
  }, 20_000);

  it('MySQL', async () => {
    await value('%connect cancel_my mysql://root@127.0.0.1:3306/test');
    await interruptsAndAnswers('cancel_my', 'SELECT SLEEP(60)');
  }, 20_000);

  it('ClickHouse: KILL QUERY from a second request stops a long aggregate over a huge table function', async () => {
    await value('%connect cancel_ch clickhouse://127.0.0.1:8123/default');
    // Hours of work on 2 cores: answered in seconds only when the server stopped it.
    await interruptsAndAnswers('cancel_ch', "SELECT count() AS n, 'dk_cancel_marker' AS m FROM numbers(1000000000000) WHERE number % 7 = 3");
    const left = await fetch('http://127.0.0.1:8123/', { method: 'POST', body: "SELECT count() FROM system.processes WHERE query LIKE '%dk_cancel_marker%' AND query NOT LIKE '%system.processes%'" });
    expect((await left.text()).trim()).toBe('0');
  }, 20_000);

  it('Postgres, while a long result streams in batches: the cursor is closed', async () => {
    await value('%connect cancel_pg2 postgres://postgres@127.0.0.1:5432/test');
    // 30M rows stream for half a minute; the answer after the interrupt comes in seconds only if the copy stopped
    // (by the server-side cancel during a fetch, DuckDB's interrupt during a load, or the cursor closed between).
    await interruptsAndAnswers('cancel_pg2', 'SELECT g, g * 2 AS twice FROM generate_series(1, 30000000) g', 1500);
  }, 30_000);

  it('ClickHouse, %ingest into a table mid-upload: the INSERT is killed and the half-filled new table dropped, the old one kept', async () => {
    const big = join(dir, 'big_upload.parquet');
    const small = join(dir, 'small_upload.parquet');
    await value(`%%sql\nCOPY (SELECT range AS id, 'row ' || range AS label FROM range(4000000)) TO '${big}' (FORMAT parquet)`);
    await value(`%%sql\nCOPY (SELECT range AS id, 'old' AS label FROM range(2)) TO '${small}' (FORMAT parquet)`);
    await dropOverwritten('dk_cancel_upload');
    await value('%connect cancel_ch_in clickhouse://127.0.0.1:8123/default');
    await value(`%ingest ${small} --into cancel_ch_in.default.dk_cancel_upload`);
    try {
      const watch = (async () => {
        for (let i = 0; i < 3000 && (await overwriteUploads('dk_cancel_upload')) === 0; i++) await new Promise((r) => setTimeout(r, 20));
        engine.interrupt();
      })();
      const load = await run(`%ingest ${big} --into cancel_ch_in.default.dk_cancel_upload`);
      await watch;
      expect(interrupted(load.outcome)).toBe('KeyboardInterrupt');
      // The interrupted load's own cleanup runs after its cell returned: it must still be allowed to send SQL.
      expect(await afterInterruptedOverwrite('dk_cancel_upload')).toEqual({ uploads: 0, leftovers: 0, rows: '2\told' });
    } finally {
      await dropOverwritten('dk_cancel_upload');
    }
  }, 120_000);
});
