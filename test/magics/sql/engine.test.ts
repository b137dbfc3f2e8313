import { afterAll, describe, expect, it } from 'vitest';
import { engineHarness } from '../../engine/engine-harness.js';

const { engine, run, value } = engineHarness();
afterAll(() => engine.shutdown());

describe('%sql through the engine', () => {
  it('runs a %%sql cell, binds cell variables and keeps the result as a variable', async () => {
    await value('const threshold = 2\nconst people = [{ name: "ada", n: 1 }, { name: "bob", n: 3 }, { name: "cy", n: 5 }]');
    const shown = await run('%%sql big <<\nSELECT name, n FROM people WHERE n > $threshold ORDER BY n');
    expect(shown.outcome.status).toBe('ok');
    expect(shown.text).toContain('2 rows × 2 columns');
    if (shown.outcome.status === 'ok') expect(String(shown.outcome.result?.['text/html'])).toContain('<th>name<br>');
    expect(await value('(await big.toArray()).map((r) => r.name).join(",")')).toBe("'bob,cy'");
    expect(await value('const total = %sql SELECT sum(n) AS s FROM big\n(await total.toArray())[0].s')).toBe('8n');
  });

  it('shows a SQL error with its position and keeps the kernel going', async () => {
    const failed = await run('%sql SELECT nope FROM range(3)');
    expect(failed.outcome.status).toBe('error');
    if (failed.outcome.status === 'error') expect(failed.outcome.error.traceback.join('\n')).toMatch(/Referenced column "nope" not found[\s\S]*\^/);
    expect(await value('1 + 1')).toBe('2');
  });
});
