import { DataKernelError } from '../../errors.js';
import { defineMagic } from '../magic.js';

const TASKS = ['regression', 'binary', 'multiclass'] as const;

/** A numeric flag's value, or undefined when absent; bad numbers fail with the flag's name. */
function numberOption(value: unknown, flag: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || (integer && !Number.isInteger(parsed))) {
    throw new DataKernelError(`--${flag} must be ${integer ? 'an integer' : 'a number'}, got "${String(value)}"`, `E.g. --${flag} ${integer ? '20' : '0.2'}.`);
  }
  return parsed;
}

const list = (value: unknown): string[] | undefined =>
  typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : undefined;

export default defineMagic({
  name: 'train',
  kind: 'line',
  summary: 'Train a model on a table, query result, DataFrame or variable, and store it in the registry',
  description:
    'Infers the task from the target (numbers with many values: regression; 2 classes: binary; few classes or ' +
    'text: multiclass), prepares the features on the training split (standardised numbers, one-hot categories ' +
    'with rare ones as "other", nulls imputed with a missing indicator), trains with TensorFlow.js (linear and ' +
    'binary logistic models use exact solvers: normal equations and IRLS), shows progress, and ends with ' +
    'validation metrics and the loss curve. Each training stores .datakernel/models/NAME/VERSION and a run ' +
    '(see %models, %runs, %predict).',
  args: {
    positionals: [{ name: 'name', description: 'model name in the registry (a new version each time)' }],
    options: {
      data: { type: 'string', description: 'table, query result, DataFrame, variable or file to train on', valueName: 'SOURCE' },
      target: { type: 'string', description: 'column to predict', valueName: 'COLUMN' },
      features: { type: 'string', description: 'feature columns, comma-separated (default: all but the target)', valueName: 'a,b,c' },
      model: { type: 'string', description: 'linear | logistic | softmax | mlp', valueName: 'KIND', default: 'mlp' },
      task: { type: 'string', description: 'override the inferred task: regression | binary | multiclass', valueName: 'TASK' },
      epochs: { type: 'string', description: 'passes over the training data (IRLS: most iterations)', valueName: 'N', default: '30' },
      batch: { type: 'string', description: 'rows per gradient step', valueName: 'N', default: '64' },
      validation: { type: 'string', description: 'share of rows held out for validation metrics', valueName: 'SHARE', default: '0.2' },
      seed: { type: 'string', description: 'seed of the split, shuffles and initial weights', valueName: 'N', default: '42' },
      'learning-rate': { type: 'string', description: "Adam's learning rate", valueName: 'LR', default: '0.005' },
      hidden: { type: 'string', description: 'hidden layer sizes of the MLP', valueName: '64,32', default: '64,32' },
      runtime: {
        type: 'string',
        description: "runtime it is trained and scored with (default: the kernel's tfjs and backend); another runtime trains, scores and serves in a worker running it",
        valueName: 'tfjs@4.21.0[,backend=cpu][,pkg@1.0.0]',
      },
    },
  },
  async run({ args }, ctx) {
    const { options } = args;
    if (typeof options.data !== 'string' || typeof options.target !== 'string') {
      throw new DataKernelError('%train needs --data SOURCE and --target COLUMN', 'E.g. %train churn --data customers --target churned');
    }
    const task = options.task as string | undefined;
    if (task !== undefined && !(TASKS as readonly string[]).includes(task)) throw new DataKernelError(`Unknown task "${task}"`, `Use one of: ${TASKS.join(', ')}.`);
    const hidden = list(options.hidden)?.map((size) => numberOption(size, 'hidden', true)!);
    const { train } = await import('../../ml/train.js');
    return train({
      session: ctx.session,
      name: args.positionals[0],
      data: options.data,
      variables: { has: (name) => ctx.hasVariable(name), get: (name) => ctx.getVariable(name) },
      cwd: ctx.cwd(),
      target: options.target,
      features: list(options.features),
      model: options.model as 'mlp',
      task: task as (typeof TASKS)[number] | undefined,
      epochs: numberOption(options.epochs, 'epochs', true),
      batchSize: numberOption(options.batch, 'batch', true),
      validation: numberOption(options.validation, 'validation', false),
      seed: numberOption(options.seed, 'seed', true),
      learningRate: numberOption(options['learning-rate'], 'learning-rate', false),
      hidden,
      cellSource: ctx.cellSource,
      runtime: typeof options.runtime === 'string' ? options.runtime : undefined,
    });
  },
});
