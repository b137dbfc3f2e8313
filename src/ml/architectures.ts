import type { LayersModel } from '@tensorflow/tfjs';
import { DataKernelError } from '../errors.js';
import type { Tf } from './backend.js';
import type { Task } from './target.js';

/** Built-in model kinds. */
export const MODEL_KINDS = ['linear', 'logistic', 'softmax', 'mlp'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** Hidden layer sizes of the default MLP. @default [64, 32] */
export const DEFAULT_HIDDEN = [64, 32];

/** The kind that fits the task when the user names none (an MLP), and checks a named one against the task. */
export function checkKind(kind: string | undefined, task: Task): ModelKind {
  if (kind === undefined) return 'mlp';
  if (!(MODEL_KINDS as readonly string[]).includes(kind)) {
    throw new DataKernelError(`Unknown model kind "${kind}"`, `Use one of: ${MODEL_KINDS.join(', ')}.`);
  }
  if (kind === 'linear' && task !== 'regression') throw new DataKernelError(`A linear model predicts numbers, but the target is ${task}`, 'Use --model logistic, softmax or mlp.');
  if ((kind === 'logistic' || kind === 'softmax') && task === 'regression') throw new DataKernelError(`A ${kind} model classifies, but the target is numeric`, 'Use --model linear or mlp (or --task multiclass).');
  return kind as ModelKind;
}

// Output activation for a task: identity (regression), sigmoid (binary), softmax (multiclass).
const outputActivation = (task: Task) => (task === 'regression' ? 'linear' : task === 'binary' ? 'sigmoid' : 'softmax');

/** A layers model of `kind` for `inputs` prepared features and `units` outputs, with seeded initialisers. */
export function buildModel(tf: Tf, kind: ModelKind, task: Task, inputs: number, units: number, seed: number, hidden = DEFAULT_HIDDEN): LayersModel {
  const sizes = kind === 'mlp' ? hidden : [];
  const model = tf.sequential();
  sizes.forEach((size, i) =>
    model.add(
      tf.layers.dense({
        units: size,
        activation: 'relu',
        inputShape: i === 0 ? [inputs] : undefined,
        kernelInitializer: tf.initializers.heNormal({ seed: seed + i }),
        name: `hidden_${i + 1}`,
      }),
    ),
  );
  model.add(
    tf.layers.dense({
      units,
      activation: outputActivation(task),
      inputShape: sizes.length === 0 ? [inputs] : undefined,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + sizes.length }),
      name: 'output',
    }),
  );
  return model;
}
