import { DataKernelError } from '../../errors.js';
import { defineMagic } from '../magic.js';

export default defineMagic({
  name: 'predict',
  kind: 'line',
  summary: 'Score a table or result with a stored model; returns the rows with prediction columns',
  description:
    'Reads the data from DuckDB in batches, applies the preparation saved with the model, and appends the ' +
    'predictions in DuckDB: "prediction", plus "probability_CLASS" per class for classifiers. The result stays ' +
    'in DuckDB (query it with %sql via -o VAR), so millions of rows are fine. A model whose recorded runtime ' +
    "(tfjs version, backend, packages) is not the kernel's scores in a worker process with that runtime, " +
    'installed once under ~/.cache/datakernel/runtimes.',
  args: {
    positionals: [{ name: 'model', description: 'NAME or NAME@VERSION (default: the latest version)' }],
    options: {
      data: { type: 'string', description: 'table, query result, DataFrame, variable or file to score', valueName: 'SOURCE' },
      output: { type: 'string', short: 'o', description: 'store the result in this variable', valueName: 'VAR' },
      isolated: { type: 'boolean', description: "score in a runtime worker even when the model's runtime is the kernel's own" },
    },
  },
  async run({ args }, ctx) {
    const { data, output } = args.options;
    if (typeof data !== 'string') throw new DataKernelError('%predict needs --data SOURCE', 'E.g. %predict churn --data new_customers -o scored');
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
