import { DataKernelError } from '../../errors.js';
import { defineMagic } from '../magic.js';

function wholeNumber(value: unknown, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new DataKernelError(`--${flag} needs a whole number, got "${String(value)}"`, `E.g. --${flag} 2.`);
  return n;
}

export default defineMagic({
  name: 'predict',
  kind: 'line',
  summary: 'Score a table or result with a stored model; returns the rows with prediction columns',
  description:
    'Reads the data from DuckDB in batches, applies the preparation saved with the model, and appends the ' +
    'predictions in DuckDB: "prediction", plus "probability_CLASS" per class for classifiers. The result stays ' +
    'in DuckDB (query it with %sql via -o VAR), so millions of rows are fine. A model whose recorded runtime ' +
    "(tfjs version, backend, packages) is not the kernel's scores in a worker process with that runtime, " +
    'installed once under ~/.cache/datakernel/runtimes. With --into DIR (and --workers N) Parquet input is split by ' +
    'file and row group and scored by worker processes that read it themselves; the output folder is replaced ' +
    'only once every part is written, and a part whose worker dies runs again.',
  args: {
    positionals: [{ name: 'model', description: 'NAME or NAME@VERSION (default: the latest version)' }],
    options: {
      data: { type: 'string', description: 'table, query result, DataFrame, variable or file to score', valueName: 'SOURCE' },
      output: { type: 'string', short: 'o', description: 'store the result in this variable', valueName: 'VAR' },
      isolated: { type: 'boolean', description: "score in a runtime worker even when the model's runtime is the kernel's own" },
      workers: { type: 'string', description: 'score Parquet files in N worker processes, each reading its own parts (needs --into)', valueName: 'N' },
      into: { type: 'string', description: 'write the scored rows as a Parquet dataset folder, replaced at once when every part is done', valueName: 'DIR' },
      retries: { type: 'string', description: 'times a part whose worker died runs again (with --into)', valueName: 'N', default: '2' },
    },
  },
  async run({ args }, ctx) {
    const { data, output, workers, into } = args.options;
    if (typeof data !== 'string') throw new DataKernelError('%predict needs --data SOURCE', 'E.g. %predict churn --data new_customers -o scored');
    if (typeof workers === 'string' && typeof into !== 'string') {
      throw new DataKernelError('%predict --workers needs --into DIR', "Workers write the scored rows as Parquet parts: e.g. %predict churn --data 'data/big/*.parquet' --workers 2 --into data/scored");
    }
    if (typeof into === 'string') {
      const { predictInParallel } = await import('../../runtimes/batch-predict.js');
      const result = await predictInParallel({
        session: ctx.session,
        model: args.positionals[0],
        data,
        into,
        workers: wholeNumber(workers ?? '1', 'workers'),
        retries: wholeNumber(args.options.retries, 'retries'),
        cwd: ctx.cwd(),
      });
      if (typeof output === 'string') ctx.setVariable(output, result);
      return result;
    }
    const { predict } = await import('../../ml/predict.js');
    const result = await predict({
      session: ctx.session,
      model: args.positionals[0],
      data,
      variables: { has: (name) => ctx.hasVariable(name), get: (name) => ctx.getVariable(name) },
      cwd: ctx.cwd(),
      isolated: args.options.isolated === true,
    });
    if (typeof output === 'string') ctx.setVariable(output, result);
    return result;
  },
});
