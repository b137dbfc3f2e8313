import { JUPYTER_DISPLAY } from '../../display/mime.js';
import { tableBundle } from '../../display/table.js';
import { defineMagic } from '../magic.js';

export default defineMagic({
  name: 'models',
  kind: 'line',
  summary: 'List the models in the registry (.datakernel/models), every version with its metrics',
  description:
    'One row per stored version: task, kind, solver and backend, training rows, the main validation metrics, ' +
    'when it was trained and the fingerprint of its training data. `cards = %models` gives the list as values.',
  args: { positionals: [{ name: 'name', description: 'only this model', optional: true }] },
  async run({ args }, ctx) {
    const { listModels } = await import('../../ml/model-store.js');
    const { keyMetrics } = await import('../../ml/key-metrics.js');
    const { formatMetric } = await import('../../ml/train-result.js');
    const { describeRuntime } = await import('../../runtimes/spec.js');
    const cards = await listModels(ctx.session, args.positionals[0]);
    if (cards.length === 0) {
      ctx.output.stream('stdout', 'No models yet. Train one with %train NAME --data SOURCE --target COLUMN.\n');
      return undefined;
    }
    const metricNames = [...new Set(cards.flatMap((card) => keyMetrics(card.task)))];
    const table = tableBundle({
      columns: ['model', 'version', 'task', 'kind', 'solver', 'backend', 'runtime', 'rows', ...metricNames, 'trained', 'data fingerprint'].map((name) => ({ name })),
      rows: cards.map((card) => [
        card.name,
        card.version,
        card.task,
        card.kind,
        card.solver,
        card.backend,
        card.runtime ? describeRuntime(card.runtime) : '',
        card.rows,
        ...metricNames.map((metric) => formatMetric(card.metrics[metric])),
        card.createdAt.replace('T', ' ').slice(0, 19),
        card.fingerprint.slice(0, 12),
      ]),
    });
    return Object.assign(cards, { [JUPYTER_DISPLAY]: () => table });
  },
});
