import type { ServableModel } from '../../src/serve/index.js';

/** A tiny regression model made of plain functions (a fake at the model-store boundary): y = 2x + (red ? 1 : 0). */
export function linearFake(calls: number[] = []): ServableModel {
  return {
    name: 'lin',
    version: 3,
    task: 'regression',
    inputSchema: [
      { name: 'x', type: 'number', required: true },
      { name: 'color', type: 'string', required: false },
      { name: 'flag', type: 'boolean', required: false },
    ],
    outputNames: ['prediction'],
    label: (point) => point,
    async predictRows(rows) {
      calls.push(rows.length);
      return rows.map((r) => ({ prediction: 2 * (r.x as number) + (r.color === 'red' ? 1 : 0) }));
    },
  };
}
