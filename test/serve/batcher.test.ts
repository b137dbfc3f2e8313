import { describe, expect, it } from 'vitest';
import { Batcher } from '../../src/serve/index.js';

describe('Batcher', () => {
  it('groups requests of one loop turn, caps rows per call, and hands each request its own results', async () => {
    const calls: number[][] = [];
    const batcher = new Batcher<number>(async (rows) => {
      calls.push(rows);
      return rows.map((x) => x * 10);
    }, { maxBatchSize: 4 });
    const answers = await Promise.all([[1], [2, 3], [4], [5, 6, 7, 8, 9], [10]].map((rows) => batcher.submit(rows)));
    expect(answers).toEqual([[10], [20, 30], [40], [50, 60, 70, 80, 90], [100]]);
    // The first four rows fill one call; the oversized request runs alone; the rest follow.
    expect(calls).toEqual([[1, 2, 3, 4], [5, 6, 7, 8, 9], [10]]);
  });

  it('waits up to maxWaitMs for more requests', async () => {
    const sizes: number[] = [];
    const batcher = new Batcher<number>(async (rows) => rows, { maxWaitMs: 30 }, (n) => sizes.push(n));
    const first = batcher.submit([1]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await Promise.all([first, batcher.submit([2])]);
    expect(sizes).toEqual([2]);
  });

  it('reruns a failed shared call per request so one bad request does not fail the others', async () => {
    const batcher = new Batcher<number>(async (rows) => {
      if (rows.includes(-1)) throw new Error('negative input');
      return rows;
    });
    const results = await Promise.allSettled([batcher.submit([1]), batcher.submit([-1]), batcher.submit([3])]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([[1], 'negative input', [3]]);
  });
});
