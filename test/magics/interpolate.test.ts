import { describe, expect, it } from 'vitest';
import { interpolateArguments } from '../../src/magics/interpolate.js';
import { TestMagicContext } from '../helpers/magic-context.js';

describe('{name} in magic arguments', () => {
  const ctx = new TestMagicContext();
  ctx.variables.set('pg_uri', 'postgres://app@db:5432/shop');
  ctx.variables.set('params', { epochs: 12, cols: ['a', 'b'] });

  it('puts variable values in, strings as they are and other values as JSON', () => {
    expect(interpolateArguments('pg {pg_uri}', ctx)).toBe('pg postgres://app@db:5432/shop');
    expect(interpolateArguments('m --epochs {params.epochs} --x {params.cols}', ctx)).toBe('m --epochs 12 --x ["a","b"]');
  });

  it('leaves braces that name nothing defined as written', () => {
    expect(interpolateArguments("{missing} {params.nope} {'a': 1} {}", ctx)).toBe("{missing} {params.nope} {'a': 1} {}");
  });

  it('is applied to option arguments but never to a verbatim tail such as SQL', async () => {
    ctx.variables.set('dir', ctx.cwd());
    await ctx.magic('cd', '{dir}');
    ctx.variables.set('col', 'secret_column');
    const result = await ctx.magic('env', 'DK_INTERPOLATION_CHECK={col}');
    expect(process.env.DK_INTERPOLATION_CHECK).toBe('{col}');
    expect(result).toBeUndefined();
  });
});
