import { DataKernelError } from '../errors.js';
import type { Session } from '../session/session.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { selectRows, type ColumnBatch } from './columns.js';
import { dataRelation, type Variables } from './data-source.js';
import { describeRelation, readColumns } from './duckdb-columns.js';
import type { TrainingArrays } from './fit-tfjs.js';
import { fitPreparation, prepare, type Preparation } from './preparation.js';
import { seededRandom, shuffleInPlace } from './random.js';
import { encodeTarget, inferTarget, labelledRows, type TargetEncoding, type Task } from './target.js';

/** Where the training data comes from and what is learned from it. */
export interface TrainingSource {
  data: string | object;
  target: string;
  features?: string[];
  task?: Task;
  variables?: Variables;
  cwd?: string;
}

/** A data source read, split and prepared for training: the raw columns, the split, and both prepared splits. */
export interface TrainingSet {
  batch: ColumnBatch;
  featureNames: string[];
  target: TargetEncoding;
  trainRows: Int32Array;
  validationRows: Int32Array;
  preparation: Preparation;
  trainSet: TrainingArrays;
  validationX: Float32Array;
  validationY: Float32Array;
}

function split(rows: Int32Array, share: number, seed: number): { train: Int32Array; validation: Int32Array } {
  const shuffled = shuffleInPlace(Int32Array.from(rows), seededRandom(seed));
  const held = share > 0 ? Math.max(1, Math.round(rows.length * share)) : 0;
  if (rows.length - held < 2) throw new DataKernelError(`Only ${rows.length} labelled rows: too few to train`, 'Train on more rows, or lower --validation.');
  return { validation: shuffled.subarray(0, held), train: shuffled.subarray(held) };
}

/**
 * Reads the features and target from DuckDB as typed columns, drops unlabelled rows, splits off a seeded
 * validation share, and learns the feature preparation on the training split only.
 */
export async function loadTrainingSet(session: Session, source: TrainingSource, share: number, seed: number): Promise<TrainingSet> {
  const relation = await dataRelation(session, source.data, source.variables, source.cwd);
  const { connection } = await embeddedDuckDB(session);
  const described = await describeRelation(connection, relation);
  const known = new Map(described.map((c) => [c.name, c]));
  const hint = `Columns: ${described.map((c) => c.name).join(', ')}.`;
  if (!known.has(source.target)) throw new DataKernelError(`No target column "${source.target}" in the data`, hint);
  const featureNames = source.features ?? described.map((c) => c.name).filter((c) => c !== source.target);
  for (const feature of featureNames) if (!known.has(feature)) throw new DataKernelError(`No feature column "${feature}" in the data`, hint);
  if (featureNames.length === 0) throw new DataKernelError('No feature columns to train on', 'Name them with --features a,b,c.');
  const batch = await readColumns(connection, relation, [...featureNames, source.target].map((c) => known.get(c)!));

  const targetColumn = batch.columns[source.target];
  const labelled = labelledRows(targetColumn, batch.length);
  const target = inferTarget(source.target, targetColumn, labelled, source.task);
  const { train: trainRows, validation: validationRows } = split(labelled, share, seed);
  const preparation = fitPreparation(batch, Object.fromEntries(featureNames.map((f) => [f, known.get(f)!.type])), trainRows);
  const d = preparation.outputColumns.length;
  return {
    batch,
    featureNames,
    target,
    trainRows,
    validationRows,
    preparation,
    trainSet: { x: prepare(preparation, selectRows(batch, trainRows)), y: encodeTarget(target, targetColumn, trainRows), n: trainRows.length, d },
    validationX: prepare(preparation, selectRows(batch, validationRows)),
    validationY: encodeTarget(target, targetColumn, validationRows),
  };
}
