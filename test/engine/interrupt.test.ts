import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { engineHarness } from './engine-harness.js';

const { engine, run, value } = engineHarness();
afterAll(() => engine.shutdown());

/** SIGINT to this process from outside after `seconds`, as Jupyter sends it; a spinning loop blocks our own timers. */
function sigintFromOutside(seconds: number): void {
  spawn('sh', ['-c', `sleep ${seconds}; kill -INT ${process.pid}`], { stdio: 'ignore' });
}

const interrupted = (outcome: Awaited<ReturnType<typeof run>>['outcome']) =>
  outcome.status === 'error' ? outcome.error.ename : `not interrupted: ${outcome.status}`;

describe('interrupts', () => {
  it('stops a synchronous infinite loop on SIGINT; state defined before survives', async () => {
    await value('const before = { rows: 3 }\nlet spins = 0');
    sigintFromOutside(0.5);
    const { outcome } = await run('while (true) { spins++ }');
    expect(interrupted(outcome)).toBe('KeyboardInterrupt');
    expect(await value('before.rows')).toBe('3');
    expect(Number(await value('spins'))).toBeGreaterThan(0);
    expect(await value('1 + 1')).toBe('2');
  });

  it('stops loops of every kind, also inside functions the cell calls', async () => {
    sigintFromOutside(0.5);
    const { outcome } = await run('function spin() { for (;;) {} }\nspin()');
    expect(interrupted(outcome)).toBe('KeyboardInterrupt');
    sigintFromOutside(0.5);
    const doWhile = await run('let k = 0\ndo k++; while (k >= 0)');
    expect(interrupted(doWhile.outcome)).toBe('KeyboardInterrupt');
  });

  it('stops a never-settling await, by engine.interrupt() and by SIGINT', async () => {
    setTimeout(() => engine.interrupt(), 200);
    const first = await run('const beforeAwait = 7\nawait new Promise(() => {})');
    expect(interrupted(first.outcome)).toBe('KeyboardInterrupt');
    expect(await value('beforeAwait')).toBe('7');
    sigintFromOutside(0.3);
    const second = await run('await new Promise(() => {})');
    expect(interrupted(second.outcome)).toBe('KeyboardInterrupt');
    expect(await value("'alive'")).toBe("'alive'");
  });

  it('interrupts a cell that runs past timeoutMs, spinning or waiting', async () => {
    const spinning = await run('while (true) {}', { timeoutMs: 300 });
    expect(interrupted(spinning.outcome)).toBe('KeyboardInterrupt');
    const waiting = await run('await new Promise(() => {})', { timeoutMs: 300 });
    expect(interrupted(waiting.outcome)).toBe('KeyboardInterrupt');
    const quick = await run('await new Promise((r) => setTimeout(r, 50)); 5', { timeoutMs: 5000 });
    expect(quick.text).toBe('5');
  });

  it('stops an interrupted cell that resumes into a loop after its await, so the next cells run', async () => {
    setTimeout(() => engine.interrupt(), 100);
    const first = await run('globalThis.resumed = false\nawait new Promise((r) => setTimeout(r, 300))\nglobalThis.resumed = true\nwhile (true) {}');
    expect(interrupted(first.outcome)).toBe('KeyboardInterrupt');
    // The abandoned cell wakes up meanwhile and must not spin forever.
    expect(await value('await new Promise((r) => setTimeout(() => r(resumed), 500))')).toBe('true');
    expect(await value('let n = 0\nfor (let i = 0; i < 1000; i++) n++\nn')).toBe('1000');
  });

  it('engine.interrupt() with no cell running does not hit the next cell', async () => {
    engine.interrupt();
    expect(await value('await new Promise((r) => setTimeout(() => r(3), 30))')).toBe('3');
  });

  it('cancels the DuckDB query of an interrupted %%sql cell, so the next query does not queue behind it', async () => {
    // Summing 1e11 rows takes minutes: each answer in seconds means the query before it was cancelled. The
    // first interrupt comes while DuckDB still starts (the query begins after the cell was abandoned), the
    // second while the query runs.
    for (const delayMs of [10, 800]) {
      setTimeout(() => engine.interrupt(), delayMs);
      const started = performance.now();
      const long = await run('%%sql\nSELECT sum(range) FROM range(100000000000)');
      expect(interrupted(long.outcome)).toBe('KeyboardInterrupt');
      const next = await run('%sql SELECT 41 + 1 AS answer');
      expect(next.text).toContain('42');
      expect(performance.now() - started).toBeLessThan(10_000);
    }
  });
});
