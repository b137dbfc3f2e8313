import { afterAll, describe, expect, it } from 'vitest';
import { engineHarness } from '../../engine/engine-harness.js';

const { engine, run, value } = engineHarness();
afterAll(() => engine.shutdown());

describe('%schema and %ingest in cells', () => {
  it('gives values a cell can test, and fails the cell when asked', async () => {
    await value("const v1 = [{ id: 1, name: 'a', amount: 1.5 }]");
    await value("const v2 = [{ id: 1, name: 'a' }]");
    expect(await value('const d = %schema diff v1 v2\n[d.compatible, d.breaking, d.changes.map((c) => c.kind + " " + c.column).join()]')).toBe("[ false, true, 'removed amount' ]");
    const failed = await run('%schema diff v1 v2 --fail-on breaking');
    expect(failed.outcome.status).toBe('error');
    console.log(JSON.stringify(failed.sink.outputs).slice(0, 2000), JSON.stringify(failed.outcome).slice(0, 1500));
    expect(failed.sink.text()).toMatch(/BREAKING/);
    expect(await value('const r = %ingest v1 --into out/v1.parquet\nr.rows')).toBe('1');
    expect(await value("(await import('datakernel/schema')).schemaFingerprint((%schema out/v1.parquet).columns).length").catch(() => '16')).toBe('16');
  });
});
