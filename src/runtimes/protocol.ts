import type { ColumnBatch } from '../ml/columns.js';
import type { ColumnPredictions } from '../ml/model-store.js';

/** A part of a batch prediction: rows [firstRow, firstRow + rows) of one Parquet file, scored into `output`. */
export interface ScorePart {
  index: number;
  file: string;
  firstRow: number;
  rows: number;
  /** Final path of the part file; the worker writes a temporary name beside it and renames when done. */
  output: string;
}

/** Requests from the parent, each answered by one reply with the same id. */
export type WorkerRequest =
  | { id: number; op: 'hello' }
  | { id: number; op: 'predict'; dir: string; batch: ColumnBatch }
  | { id: number; op: 'score'; dir: string; part: ScorePart; batchSize?: number };

/** What the worker reports about itself: the tfjs it really loaded. */
export interface WorkerHello {
  pid: number;
  tfjs: string;
  backend: string;
}

export interface PartScored {
  rows: number;
  seconds: number;
  /** CPU time the worker spent on the part, all its threads (DuckDB's too). */
  cpuSeconds: number;
}

/** Messages from the worker: a reply, a failure, or progress of a running request. */
export type WorkerMessage =
  | { id: number; ok: true; value: WorkerHello | ColumnPredictions | PartScored }
  | { id: number; ok: false; error: { name: string; message: string; hint?: string } }
  | { id: number; progress: number };

/** Environment variables a worker is started with. */
export const RUNTIME_DIR_ENV = 'DATAKERNEL_RUNTIME_DIR';
export const RUNTIME_BACKEND_ENV = 'DATAKERNEL_RUNTIME_BACKEND';
export const RUNTIME_PACKAGES_ENV = 'DATAKERNEL_RUNTIME_PACKAGES';
