import { DataKernelError } from '../errors.js';
import { isNumeric, type Column } from './columns.js';

/** What a model predicts, inferred from the target column. */
export type Task = 'regression' | 'binary' | 'multiclass';

/** How the target is encoded for training and decoded from model outputs (saved in preparation.json). */
export interface TargetEncoding {
  name: string;
  task: Task;
  /** Class labels as text, for classification; output unit i is classes[i] (binary: the unit is classes[1]). */
  classes?: string[];
  /** Regression targets are standardised for training; predictions are scaled back. */
  mean?: number;
  std?: number;
  /** The target was numeric, so class labels decode to numbers. */
  numericLabels?: boolean;
}

// More classes than this is not a classification we offer.
const MAX_CLASSES = 100;
// An integer target with at most this many values reads as classes (e.g. ratings 1..5), more as a quantity.
const MAX_INTEGER_CLASSES = 10;

const labelOf = (column: Column, i: number): string | null =>
  isNumeric(column) ? (Number.isNaN(column[i]) ? null : String(column[i])) : column[i];

/** Rows whose target is present. */
export function labelledRows(column: Column, length: number): Int32Array {
  const rows = new Int32Array(length);
  let count = 0;
  for (let i = 0; i < length; i++) if (isNumeric(column) ? !Number.isNaN(column[i]) : column[i] !== null) rows[count++] = i;
  return rows.slice(0, count);
}

/**
 * Infers the task: text or boolean targets are classes (2 -> binary); a numeric target with 2 values is binary,
 * one with few integer values multiclass, anything else regression.
 */
export function inferTarget(name: string, column: Column, rows: Int32Array, task?: Task): TargetEncoding {
  const values = new Set<string | number>();
  let integral = true;
  for (let r = 0; r < rows.length; r++) {
    const value = column[rows[r]];
    values.add(value!);
    if (typeof value === 'number' && !Number.isInteger(value)) integral = false;
  }
  const distinct = new Set([...values].map(String));
  const numeric = isNumeric(column);
  const inferred: Task =
    task ??
    (distinct.size === 2 ? 'binary' : !numeric || (integral && distinct.size <= MAX_INTEGER_CLASSES && distinct.size * 20 <= rows.length) ? 'multiclass' : 'regression');
  if (inferred === 'regression') {
    if (!numeric) throw new DataKernelError(`Target "${name}" is not numeric, so it cannot be a regression target`, 'Use --task multiclass, or cast the target to a number.');
    let sum = 0;
    for (const i of rows) sum += column[i];
    const mean = sum / rows.length;
    let squares = 0;
    for (const i of rows) squares += (column[i] - mean) ** 2;
    const std = Math.sqrt(squares / Math.max(1, rows.length - 1));
    return { name, task: 'regression', mean, std: std > 1e-12 ? std : 1 };
  }
  if (distinct.size < 2) throw new DataKernelError(`Target "${name}" has only one value`, 'A classifier needs at least two classes in the training data.');
  if (distinct.size > MAX_CLASSES) {
    throw new DataKernelError(`Target "${name}" has ${distinct.size} classes (at most ${MAX_CLASSES})`, 'Group rare classes in SQL, or use --task regression for a numeric target.');
  }
  const classes = [...distinct].sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  if (inferred === 'binary' && classes.length !== 2) throw new DataKernelError(`Target "${name}" has ${classes.length} classes, not 2`, 'Use --task multiclass.');
  return { name, task: inferred, classes, ...(numeric ? { numericLabels: true } : {}) };
}

/** Training targets for `rows`: standardised values (regression) or class indices (classification). */
export function encodeTarget(target: TargetEncoding, column: Column, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length);
  if (target.task === 'regression') {
    const values = column as Float64Array;
    rows.forEach((row, i) => (out[i] = (values[row] - target.mean!) / target.std!));
    return out;
  }
  const index = new Map(target.classes!.map((c, i) => [c, i]));
  rows.forEach((row, i) => (out[i] = index.get(labelOf(column, row)!) ?? -1));
  return out;
}

/** Units of the model's output layer. */
export const outputUnits = (target: TargetEncoding): number => (target.task === 'multiclass' ? target.classes!.length : 1);

/** Names of the prediction columns: "prediction", then "probability_CLASS" per class for classification. */
export const outputNames = (target: TargetEncoding): string[] => ['prediction', ...(target.classes ?? []).map((c) => `probability_${c}`)];

/** Per-class probabilities (n x classes, row-major) from the raw model outputs; regression has none. */
export function probabilities(target: TargetEncoding, raw: Float32Array, n: number): Float32Array | undefined {
  if (target.task === 'regression') return undefined;
  if (target.task === 'multiclass') return raw;
  const out = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    out[2 * i] = 1 - raw[i];
    out[2 * i + 1] = raw[i];
  }
  return out;
}

/** Point predictions: numbers (regression) or class indices (classification) from the raw model outputs. */
export function pointPredictions(target: TargetEncoding, raw: Float32Array, n: number): Float64Array {
  const out = new Float64Array(n);
  if (target.task === 'regression') {
    for (let i = 0; i < n; i++) out[i] = raw[i] * target.std! + target.mean!;
  } else if (target.task === 'binary') {
    for (let i = 0; i < n; i++) out[i] = raw[i] >= 0.5 ? 1 : 0;
  } else {
    const k = target.classes!.length;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (raw[i * k + j] > raw[i * k + best]) best = j;
      out[i] = best;
    }
  }
  return out;
}

/** A class index as the label the user knows (a number for numeric targets). */
export const classLabel = (target: TargetEncoding, index: number): string | number =>
  target.numericLabels ? Number(target.classes![index]) : target.classes![index];
