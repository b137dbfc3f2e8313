import { afterAll, describe, expect, it } from 'vitest';
import { TestMagicContext } from '../helpers/magic-context.js';

const ctx = new TestMagicContext();
afterAll(() => ctx.session.close());

const text = (value: unknown) => (value as Record<symbol, () => Record<string, string>>)[Symbol.for('Jupyter.display')]()['text/plain'];

describe('%serve', () => {
  it('explains what is missing or unknown', async () => {
    await expect(ctx.magic('serve', '')).rejects.toThrow(/missing NAME/);
    await expect(ctx.magic('serve', 'nosuchmodel --port 0')).rejects.toThrow(/No model named "nosuchmodel"/);
    await expect(ctx.magic('serve', '--stop nosuchmodel')).rejects.toThrow(/"nosuchmodel" is not served/);
    await expect(ctx.magic('serve', 'm --port abc')).rejects.toThrow(/--port needs a whole number >= 0/);
    expect(text(await ctx.magic('serve', '--list'))).toMatch(/No models served/);
  });

  it('documents both protocols in its help', async () => {
    expect(text(await ctx.magic('serve', '--help'))).toMatch(/Usage: %serve .*--log-inputs PATH[\s\S]*Open Inference Protocol/);
  });
});
