import { JUPYTER_DISPLAY } from '../../display/mime.js';
import { tableHtml, tableText } from '../../display/table.js';
import { DataKernelError } from '../../errors.js';
import { defineMagic } from '../magic.js';

export default defineMagic({
  name: 'runs',
  kind: 'line',
  summary: 'List and compare experiment runs (every %train), as a table and a chart of one metric',
  description:
    'Each training is a run in the local catalog with its parameters, per-epoch history, final metrics, ' +
    'duration, data fingerprint and the code of the cell. `--metric M` picks the metric to compare and chart ' +
    '(default: accuracy or rmse). `runs = %runs` gives the runs as values (with history and code).',
  args: {
    positionals: [{ name: 'name', description: 'only runs of this model', optional: true }],
    options: { metric: { type: 'string', description: 'metric to compare, e.g. f1, auc, r2', valueName: 'M' } },
  },
  async run({ args }, ctx) {
    const { listRuns } = await import('../../ml/runs.js');
    const { keyMetrics } = await import('../../ml/key-metrics.js');
    const { formatMetric } = await import('../../ml/train-result.js');
    const { plot } = await import('../../viz/index.js');
    const runs = await listRuns(ctx.session, args.positionals[0]);
    if (runs.length === 0) {
      ctx.output.stream('stdout', `No runs${args.positionals[0] ? ` of ${args.positionals[0]}` : ''} yet. Every %train records one.\n`);
      return undefined;
    }
    const metric = (args.options.metric as string | undefined) ?? keyMetrics(runs.at(-1)!.task)[0];
    if (!runs.some((run) => metric in run.metrics)) {
      const known = [...new Set(runs.flatMap((run) => Object.keys(run.metrics)))];
      throw new DataKernelError(`No run has the metric "${metric}"`, `Metrics: ${known.join(', ')}.`);
    }
    const others = [...new Set(runs.flatMap((run) => keyMetrics(run.task)))].filter((m) => m !== metric);
    const paramText = (params: Record<string, unknown>) =>
      ['epochs', 'batchSize', 'learningRate', 'hidden', 'seed'].filter((key) => params[key] !== undefined).map((key) => `${key}=${String(params[key])}`).join(' ');
    const table = {
      columns: ['run', 'model', 'started', 'kind', 'solver', metric, ...others, 'epochs run', 'duration', 'params', 'data'].map((name) => ({ name })),
      rows: runs.map((run, i) => [
        i + 1,
        `${run.model}@${run.version}`,
        run.startedAt.toISOString().replace('T', ' ').slice(0, 19),
        run.kind,
        run.solver,
        formatMetric(run.metrics[metric]),
        ...others.map((m) => formatMetric(run.metrics[m])),
        run.history.length,
        `${(run.durationMs / 1000).toFixed(1)}s`,
        paramText(run.params),
        run.fingerprint.slice(0, 12),
      ]),
      caption: `${runs.length} run${runs.length === 1 ? '' : 's'}${args.positionals[0] ? ` of ${args.positionals[0]}` : ''}, compared by ${metric}`,
    };
    const points = runs.map((run, i) => ({ run: `${i + 1}: ${run.model}@${run.version}`, [metric]: run.metrics[metric] ?? null }));
    const chart = plot.bar(points, { x: 'run', y: metric, title: `${metric} by run` });
    const bundle = async () => ({
      'text/plain': `${tableText(table)}\n\n${await chart.toText()}`,
      'text/html': `${tableHtml(table)}${await chart.toSVG()}`,
    });
    return Object.assign(runs, { [JUPYTER_DISPLAY]: bundle });
  },
});
