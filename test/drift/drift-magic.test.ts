import { afterAll, describe, expect, it } from 'vitest';
import type { DriftReport } from '../../src/drift/index.js';
import { TestMagicContext } from '../helpers/magic-context.js';

const ctx = new TestMagicContext();
afterAll(() => ctx.session.close());

describe('%drift', () => {
  it('shows the table and charts for two variables and keeps the report with -o', async () => {
    ctx.variables.set('train_rows', Array.from({ length: 300 }, (_, i) => ({ age: 20 + (i % 40), plan: i % 3 ? 'basic' : 'pro' })));
    ctx.variables.set('live_rows', Array.from({ length: 300 }, (_, i) => ({ age: 20 + (i % 40), plan: i % 2 ? 'basic' : 'pro' })));
    await ctx.magic('drift', 'train_rows live_rows --charts 1 -o report');
    const report = ctx.variables.get('report') as DriftReport;
    expect(report.columns.map((c) => [c.column, c.method, c.drifted])).toEqual([
      ['age', 'ks', false],
      ['plan', 'z', true],
    ]);
    const displays = ctx.output.outputs.filter((o) => o.kind === 'display' && !o.options?.metadata?.progress);
    expect(ctx.output.outputs.some((o) => o.options?.metadata?.progress)).toBe(true);
    expect(displays).toHaveLength(2);
    expect(displays[0].data!['text/plain']).toContain('Dataset drift detected: 1 of 2 columns drifted (50% >= 50%)');
    expect(displays[1].data!['application/vnd.plotly.v1+json']).toBeDefined();
  });

  it('rejects an unknown test', async () => {
    await expect(ctx.magic('drift', 'a b --method magic')).rejects.toThrow(/unknown --method 'magic'/);
  });
});
