import { afterAll, describe, expect, it } from 'vitest';
import { engineHarness } from '../../engine/engine-harness.js';

const { engine, run, value } = engineHarness();
afterAll(() => engine.shutdown());

describe('%schema and %ingest in cells', () => {
  it('gives values a cell can test, and fails the cell when asked', async () => {
    await value("const v1 = [{ id: 1, name: 'a', amount: 1.5 }]; const v2 = [{ id: 1, name: 'a' }]");
    expect(await value('const d = %schema diff v1 v2\n[d.compatible, d.breaking, d.changes.map((c) => c.kind + " " + c.column).join()]')).toBe("[ false, true, 'removed amount' ]");
    await value("const w1 = [{ id: 1, name: 'a', amount: 1.5 }]; const w2 = [{ id: 1, name: 'a' }]");
    const failed = await run('%schema diff w1 w2 --fail-on breaking');
    expect(failed.outcome.status).toBe('error');
    expect(failed.outcome.status === 'error' && failed.outcome.error.evalue).toMatch(/removed amount/);
    expect(failed.sink.text()).toMatch(/BREAKING/);
    await value("const v3 = [{ id: 7 }, { id: 8 }]");
    expect(await value('const r = %ingest v3 --into out/v.parquet\nr.rows')).toBe('2');
  });
});
