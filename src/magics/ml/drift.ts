import { UsageError } from '../../errors.js';
import { defineMagic } from '../magic.js';

const USAGE = 'Usage: %drift REFERENCE CURRENT [--columns a,b] [--method auto|ks|chisquare|z|wasserstein|jensenshannon|psi] [--threshold X] [--drift-share S]';

function fraction(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`%drift: ${flag} needs a number >= 0, got '${value}'`, USAGE);
  return n;
}

export default defineMagic({
  name: 'drift',
  kind: 'line',
  summary: 'Compare two datasets column by column for data drift (KS, chi-square, Wasserstein, Jensen-Shannon, PSI)',
  description:
    'Per column, as Evidently does by default: up to 1000 reference rows, a Kolmogorov-Smirnov test (numbers) or a ' +
    'chi-square / Z test (categories) with drift at p < 0.05; above, the Wasserstein distance normed by the reference ' +
    'standard deviation (numbers) or the Jensen-Shannon distance (categories, or numbers with <= 5 values) with drift at ' +
    '>= 0.1. PSI is shown for every column (< 0.1 stable, 0.1-0.2 moderate, >= 0.2 significant). The dataset drifts when ' +
    'at least --drift-share of the columns do. Computed in DuckDB; sources are variables, tables, connection tables or ' +
    'files (e.g. the JSONL that `%serve --log-inputs` writes). Shows the table, then charts; -o VAR keeps the report ' +
    '(.columns, .datasetDrift, .toRecords()).',
  args: {
    positionals: [
      { name: 'reference', description: 'the baseline data (e.g. the training table)' },
      { name: 'current', description: 'the data to check (e.g. recent inputs)' },
    ],
    options: {
      columns: { type: 'string', description: 'comma-separated columns to compare (default: all columns both have)', valueName: 'a,b' },
      method: { type: 'string', description: 'force one test for every column it applies to', valueName: 'TEST', default: 'auto' },
      threshold: { type: 'string', description: 'drift threshold of the test (p-value for ks/chisquare/z, distance otherwise)', valueName: 'X' },
      'drift-share': { type: 'string', description: 'share of drifted columns that makes the dataset drifted', valueName: 'S', default: '0.5' },
      output: { type: 'string', short: 'o', description: 'store the report in this variable', valueName: 'VAR' },
      charts: { type: 'string', description: 'charts to draw (drifted columns first); 0 for none', valueName: 'N', default: '6' },
    },
  },
  async run({ args }, ctx) {
    const { detectDrift, driftCharts, DRIFT_METHODS } = await import('../../drift/index.js');
    const method = String(args.options.method);
    if (method !== 'auto' && !(DRIFT_METHODS as readonly string[]).includes(method)) {
      throw new UsageError(`%drift: unknown --method '${method}'`, `Use auto or one of ${DRIFT_METHODS.join(', ')}.`);
    }
    const columns = typeof args.options.columns === 'string' ? args.options.columns.split(',').map((c) => c.trim()).filter(Boolean) : undefined;
    const [reference, current] = args.positionals;
    const report = await detectDrift(ctx.session, reference, current, {
      columns,
      method: method as (typeof DRIFT_METHODS)[number] | 'auto',
      threshold: fraction(args.options.threshold, '--threshold'),
      driftShare: fraction(args.options['drift-share'], '--drift-share'),
      variables: { has: (name) => ctx.hasVariable(name), get: (name) => ctx.getVariable(name) },
      cwd: ctx.cwd(),
    });
    const { format } = await import('../../display/format.js');
    ctx.output.display(await format(report));
    for (const chart of driftCharts(report, fraction(args.options.charts, '--charts'))) ctx.output.display(await format(chart));
    if (typeof args.options.output === 'string') ctx.setVariable(args.options.output, report);
    return undefined;
  },
});
