import { DataKernelError } from '../errors.js';
import { isNumeric, type ColumnBatch, type InputType } from './columns.js';

/** A numeric feature: standardised with the training split's mean and std; nulls imputed with the mean. */
export interface NumericStep {
  name: string;
  type: 'number';
  mean: number;
  std: number;
  /** A 0/1 "was missing" column follows, because the training split had nulls. */
  indicator: boolean;
}

/** A categorical feature: one-hot over the frequent categories plus one "other" slot; nulls imputed with the mode. */
export interface CategoricalStep {
  name: string;
  type: 'string' | 'boolean';
  categories: string[];
  mode: string;
  indicator: boolean;
}

export type FeatureStep = NumericStep | CategoricalStep;

/** The feature preparation learned on a training split and saved beside the model (preparation.json). */
export interface Preparation {
  features: FeatureStep[];
  /** Names of the prepared columns the model sees, in order. */
  outputColumns: string[];
}

/** Most categories one-hot encoded per feature; the rest share the "other" slot. */
export const MAX_CATEGORIES = 30;
/** A category rarer than this share of the training rows goes to "other". */
const MIN_CATEGORY_SHARE = 0.005;

function fitNumeric(name: string, values: Float64Array, rows: ArrayLike<number>): NumericStep {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = values[rows[i]];
    if (!Number.isNaN(v)) {
      sum += v;
      count++;
    }
  }
  const mean = count ? sum / count : 0;
  let squares = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = values[rows[i]];
    if (!Number.isNaN(v)) squares += (v - mean) ** 2;
  }
  const std = count > 1 ? Math.sqrt(squares / (count - 1)) : 0;
  return { name, type: 'number', mean, std: std > 1e-12 ? std : 1, indicator: count < rows.length };
}

function fitCategorical(name: string, type: 'string' | 'boolean', values: (string | null)[], rows: ArrayLike<number>): CategoricalStep {
  const counts = new Map<string, number>();
  let missing = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = values[rows[i]];
    if (v === null) missing++;
    else counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  if (counts.size === 0) {
    throw new DataKernelError(`Feature "${name}" has no values in the training data`, `Drop it with --features, or check the data source.`);
  }
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const minCount = Math.max(2, Math.ceil(MIN_CATEGORY_SHARE * rows.length));
  const categories = ranked
    .filter(([, count], i) => i === 0 || count >= minCount)
    .slice(0, MAX_CATEGORIES)
    .map(([value]) => value)
    .sort();
  return { name, type, categories, mode: ranked[0][0], indicator: missing > 0 };
}

/** Learns the preparation of `types`' features on the rows `rows` of `batch` (the training split). */
export function fitPreparation(batch: ColumnBatch, types: Record<string, InputType>, rows: ArrayLike<number>): Preparation {
  const features: FeatureStep[] = Object.entries(types).map(([name, type]) => {
    const column = batch.columns[name];
    if (type === 'number') {
      if (!isNumeric(column)) throw new DataKernelError(`Feature "${name}" is not numeric`, 'Cast it in SQL first.');
      return fitNumeric(name, column, rows);
    }
    if (isNumeric(column)) throw new DataKernelError(`Feature "${name}" is numeric, not ${type}`, 'Cast it in SQL first.');
    return fitCategorical(name, type, column, rows);
  });
  const outputColumns = features.flatMap((step) => [
    ...(step.type === 'number' ? [step.name] : [...step.categories.map((c) => `${step.name}=${c}`), `${step.name}=other`]),
    ...(step.indicator ? [`${step.name}_missing`] : []),
  ]);
  return { features, outputColumns };
}

/** The prepared feature matrix (row-major, rows x outputColumns) of all rows of `batch`. */
export function prepare(preparation: Preparation, batch: ColumnBatch): Float32Array {
  const width = preparation.outputColumns.length;
  const out = new Float32Array(batch.length * width);
  let offset = 0;
  for (const step of preparation.features) {
    const column = batch.columns[step.name];
    if (column === undefined) throw new DataKernelError(`Feature "${step.name}" is missing from the data`, `The model was trained with features: ${preparation.features.map((f) => f.name).join(', ')}.`);
    if (step.type === 'number') {
      if (!isNumeric(column)) throw new DataKernelError(`Feature "${step.name}" must be numeric`, 'Cast it in SQL first.');
      for (let i = 0; i < batch.length; i++) {
        const v = column[i];
        const missing = Number.isNaN(v);
        out[i * width + offset] = missing ? 0 : (v - step.mean) / step.std;
        if (step.indicator) out[i * width + offset + 1] = missing ? 1 : 0;
      }
      offset += step.indicator ? 2 : 1;
    } else {
      const slots = new Map(step.categories.map((c, j) => [c, j]));
      const other = step.categories.length;
      const modeSlot = slots.get(step.mode) ?? other;
      for (let i = 0; i < batch.length; i++) {
        const raw = isNumeric(column) ? (Number.isNaN(column[i]) ? null : String(column[i])) : column[i];
        const slot = raw === null ? modeSlot : (slots.get(raw) ?? other);
        out[i * width + offset + slot] = 1;
        if (step.indicator && raw === null) out[i * width + offset + other + 1] = 1;
      }
      offset += other + 1 + (step.indicator ? 1 : 0);
    }
  }
  return out;
}
