import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestMagicContext } from '../../helpers/magic-context.js';
import type { QueryResult } from '../../../src/sql/result.js';
import { loadModel, resolveModelDir } from '../../../src/ml/model-store.js';

const DATA = join(process.cwd(), 'node_modules/vega-datasets/data');
const ctx = new TestMagicContext();

beforeAll(async () => {
  await ctx.magic('train', `penguin_species --data ${join(DATA, 'penguins.json')} --target Species --epochs 30`);
  await ctx.magic('train', `mpg --data ${join(DATA, 'cars.json')} --target Miles_per_Gallon --features Cylinders,Horsepower,Weight_in_lbs,Origin --model linear`);
}, 120_000);
afterAll(() => ctx.session.close());

describe('%predict', () => {
  it('appends a prediction and a probability per class to every row, stored in -o VAR', async () => {
    const result = (await ctx.magic('predict', `penguin_species --data ${join(DATA, 'penguins.json')} -o scored`)) as QueryResult;
    expect(ctx.variables.get('scored')).toBe(result);
    expect(result.numRows).toBe(344);
    expect(result.columns.map((c) => c.name)).toEqual(
      expect.arrayContaining(['Species', 'Island', 'prediction', 'probability_Adelie', 'probability_Chinstrap', 'probability_Gentoo']),
    );
    const rows = await result.toArray();
    for (const row of rows) {
      expect(Number(row.probability_Adelie) + Number(row.probability_Chinstrap) + Number(row.probability_Gentoo)).toBeCloseTo(1, 4);
    }
    const correct = rows.filter((row) => row.prediction === row.Species).length;
    expect(correct / rows.length).toBeGreaterThan(0.9);
  });

  it('scores a query result, replacing prediction columns it already has', async () => {
    const again = (await ctx.magic('predict', 'penguin_species --data scored')) as QueryResult;
    expect(again.numRows).toBe(344);
    expect(again.columns.filter((c) => c.name === 'prediction')).toHaveLength(1);
    expect(again.columns.at(-1)!.name).toBe('probability_Gentoo');
  });

  it('scores with the same numbers as the loaded model, row for row', async () => {
    const result = (await ctx.magic('predict', `mpg@1 --data ${join(DATA, 'cars.json')}`)) as QueryResult;
    const rows = await result.toArray();
    const model = await loadModel(resolveModelDir(ctx.session, 'mpg@1'));
    const direct = await model.predictRows(rows.slice(0, 50));
    expect(rows.slice(0, 50).map((r) => r.prediction)).toEqual(direct.map((d) => expect.closeTo(d.prediction as number, 6)));
    expect(rows.map((r) => r.Name)).toContain('chevrolet chevelle malibu');
  });

  it('names missing features and unknown versions', async () => {
    ctx.variables.set('partial', [{ Cylinders: 4, Horsepower: 90 }]);
    await expect(ctx.magic('predict', 'mpg --data partial')).rejects.toThrow(/lacks features "Weight_in_lbs", "Origin"/);
    await expect(ctx.magic('predict', `mpg@9 --data partial`)).rejects.toThrow(/has no version 9/);
    await expect(ctx.magic('predict', `nope --data partial`)).rejects.toThrow(/No model named "nope"/);
  });
});

describe('%models and %runs', () => {
  it('lists every version with its metrics', async () => {
    await ctx.magic('train', `mpg --data ${join(DATA, 'cars.json')} --target Miles_per_Gallon --features Cylinders,Horsepower,Weight_in_lbs,Origin,Year --model linear`);
    const cards = (await ctx.magic('models', '')) as { name: string; version: number }[];
    expect(cards.map((c) => `${c.name}@${c.version}`)).toEqual(['mpg@1', 'mpg@2', 'penguin_species@1']);
    const bundle = (cards as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for('Jupyter.display')]();
    expect(bundle['text/plain']).toMatch(/rmse/);
    expect(bundle['text/plain']).toMatch(/accuracy/);
  });

  it('compares runs of a model by a metric, with the cell code recorded', async () => {
    ctx.cellSource = '%train mpg --data cars.json --target Miles_per_Gallon --model mlp --epochs 5';
    await ctx.magic('train', `mpg --data ${join(DATA, 'cars.json')} --target Miles_per_Gallon --features Cylinders,Horsepower,Weight_in_lbs --model mlp --epochs 5`);
    const runs = (await ctx.magic('runs', 'mpg --metric r2')) as { version: number; code: string; metrics: Record<string, number>; history: unknown[] }[];
    expect(runs.map((r) => r.version)).toEqual([1, 2, 3]);
    expect(runs[2].code).toBe(ctx.cellSource);
    expect(runs[2].history).toHaveLength(5);
    const bundle = await (runs as unknown as Record<symbol, () => Promise<Record<string, string>>>)[Symbol.for('Jupyter.display')]();
    expect(bundle['text/plain']).toMatch(/compared by r2/);
    expect(bundle['text/html']).toContain('<svg');
    await expect(ctx.magic('runs', 'mpg --metric nonsense')).rejects.toThrow(/No run has the metric "nonsense"/);
  });
});
