import type { ColumnBatch } from '../ml/columns.js';
import type { io } from '@tensorflow/tfjs';
import type { FitPlan } from '../ml/fit-model.js';
import type { Metrics } from '../ml/metrics.js';
import type { ColumnPredictions } from '../ml/model-store.js';
import type { EpochLog } from '../ml/runs.js';

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
  | { id: number; op: 'score'; dir: string; part: ScorePart; batchSize?: number }
  /** Fits a network on the worker's tfjs: a built-in kind, or the custom model saved as `custom`. */
  | { id: number; op: 'train'; plan: FitPlan; custom?: io.ModelArtifacts };

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

/** A network fitted in a worker: its saved artifacts (topology, weights), with the fit's history and metrics. */
export interface WorkerFitted {
  artifacts: io.ModelArtifacts;
  history: EpochLog[];
  metrics: Metrics;
  solver: string;
  backend: string;
  /** The tfjs version that fitted it, as the worker's tfjs reports it. */
  tfjs: string;
}

/** Messages from the worker: a reply, a failure, or progress of a running request (with text to show, for training). */
export type WorkerMessage =
  | { id: number; ok: true; value: WorkerHello | ColumnPredictions | PartScored | WorkerFitted }
  | { id: number; ok: false; error: { name: string; message: string; hint?: string } }
  | { id: number; progress: number; detail?: string };

/** Environment variables a worker is started with. */
export const RUNTIME_DIR_ENV = 'DATAKERNEL_RUNTIME_DIR';
export const RUNTIME_BACKEND_ENV = 'DATAKERNEL_RUNTIME_BACKEND';
export const RUNTIME_PACKAGES_ENV = 'DATAKERNEL_RUNTIME_PACKAGES';
