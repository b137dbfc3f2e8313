import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TestMagicContext } from '../../helpers/magic-context.js';
import type { TrainResult } from '../../../src/ml/train-result.js';

const DATA = join(process.cwd(), 'node_modules/vega-datasets/data');
const penguins = JSON.parse(readFileSync(join(DATA, 'penguins.json'), 'utf8')) as Record<string, unknown>[];
const CAR_FEATURES = 'Cylinders,Displacement,Horsepower,Weight_in_lbs,Acceleration,Year,Origin';

const ctx = new TestMagicContext();
ctx.variables.set('penguins', penguins);
afterAll(() => ctx.session.close());

describe('%train on penguins (multiclass, with nulls)', () => {
  for (const kind of ['softmax', 'logistic', 'mlp']) {
    it(`trains ${kind} and beats the majority class by a wide margin`, async () => {
      const result = (await ctx.magic('train', `penguins_${kind} --data penguins --target Species --model ${kind} --epochs 40`)) as TrainResult;
      expect(result.task).toBe('multiclass');
      expect(result.metrics.baseline_accuracy).toBeLessThan(0.5);
      expect(result.metrics.accuracy).toBeGreaterThan(0.9);
      expect(result.metrics.auc).toBeGreaterThan(0.95);
      // Loss decreases on the backend in use (tfjs-backend-wasm lacks some gradient kernels: tfjs#8474).
      expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0].loss * 0.6);
      expect(existsSync(join(result.dir, 'model.json'))).toBe(true);
    });
  }

  it('shows one progress display updated in place, then a metrics table and a loss curve', async () => {
    ctx.output.outputs.length = 0;
    const result = (await ctx.magic('train', 'progress_demo --data penguins --target Species --epochs 5')) as TrainResult;
    const progress = ctx.output.outputs.filter((o) => o.options?.metadata?.progress);
    expect(new Set(progress.map((o) => o.options?.displayId)).size).toBe(1);
    expect(progress.at(-1)!.data!['text/plain']).toMatch(/Training progress_demo \(mlp, (wasm|cpu|tensorflow)\).*5\/5 epochs/);
    const bundle = (await (result as unknown as Record<symbol, () => Promise<Record<string, string>>>)[Symbol.for('Jupyter.display')]()) as Record<string, string>;
    expect(bundle['text/plain']).toMatch(/accuracy/);
    expect(bundle['text/plain']).toMatch(/f1/);
    expect(bundle['text/html']).toContain('<svg');
  });

  it('reads a JSON file through DuckDB and is deterministic with --seed', async () => {
    const line = `seeded --data ${join(DATA, 'penguins.json')} --target Species --features "Island,Beak Length (mm),Flipper Length (mm),Sex" --epochs 8 --seed 7`;
    const first = (await ctx.magic('train', line)) as TrainResult;
    const second = (await ctx.magic('train', line)) as TrainResult;
    expect(second.version).toBe(first.version + 1);
    expect(second.metrics).toEqual(first.metrics);
    expect(second.history).toEqual(first.history);
  });
});

describe('%train on cars (regression)', () => {
  for (const kind of ['linear', 'mlp']) {
    it(`trains ${kind} and beats the mean by a wide margin`, async () => {
      const result = (await ctx.magic(
        'train',
        `cars_${kind} --data ${join(DATA, 'cars.json')} --target Miles_per_Gallon --features ${CAR_FEATURES} --model ${kind} --epochs 60`,
      )) as TrainResult;
      expect(result.task).toBe('regression');
      expect(result.metrics.rmse).toBeLessThan(result.metrics.baseline_rmse * 0.6);
      expect(result.metrics.r2).toBeGreaterThan(0.7);
    });
  }
});

describe('%train binary logistic (IRLS)', () => {
  it('separates Adelie from Gentoo with an exact solver', async () => {
    ctx.variables.set('two_species', penguins.filter((p) => p.Species !== 'Chinstrap'));
    const result = (await ctx.magic('train', 'adelie_gentoo --data two_species --target Species --model logistic')) as TrainResult;
    expect(result.task).toBe('binary');
    expect(result.solver).toBe('irls');
    expect(result.metrics.accuracy).toBeGreaterThan(0.95);
    expect(result.metrics.accuracy).toBeGreaterThan(result.metrics.baseline_accuracy + 0.3);
  });
});

describe('%train errors', () => {
  it('names a missing target and lists the columns', async () => {
    await expect(ctx.magic('train', 'bad --data penguins --target species')).rejects.toThrow(/No target column "species"/);
  });
  it('refuses a linear model for a classification target', async () => {
    await expect(ctx.magic('train', 'bad --data penguins --target Species --model linear')).rejects.toThrow(/linear model predicts numbers/);
  });
  it('names an unknown data source', async () => {
    await expect(ctx.magic('train', 'bad --data nowhere --target Species')).rejects.toThrow(/Unknown data source/);
  });
});
