import { randomUUID } from 'node:crypto';
import { catalogTables } from '../catalog/catalog.js';
import type { Session } from '../session/session.js';

/** One epoch's numbers: training loss, and validation loss and metrics when there is a validation split. */
export type EpochLog = { epoch: number; loss: number } & Record<string, number>;

/** An experiment run: one training, as stored in the catalog. */
export interface Run {
  id: string;
  model: string;
  version: number;
  startedAt: Date;
  durationMs: number;
  task: string;
  kind: string;
  backend: string;
  solver: string;
  params: Record<string, unknown>;
  history: EpochLog[];
  metrics: Record<string, number>;
  fingerprint: string;
  rows: number;
  /** Source of the cell that trained it. */
  code: string;
}

const withRuns = catalogTables(`CREATE TABLE IF NOT EXISTS ml_runs (
  id VARCHAR PRIMARY KEY, model VARCHAR NOT NULL, version INTEGER NOT NULL, started_at TIMESTAMP NOT NULL,
  duration_ms DOUBLE, task VARCHAR, kind VARCHAR, backend VARCHAR, solver VARCHAR, params JSON, history JSON,
  metrics JSON, fingerprint VARCHAR, rows BIGINT, code VARCHAR)`);

/** A fresh run id. */
export const newRunId = (): string => randomUUID();

/** Stores a run in the project's catalog. */
export async function recordRun(session: Session, run: Run): Promise<void> {
  await withRuns(session, async (connection) => {
    await connection.run('INSERT INTO ml_runs VALUES ($1, $2, $3, $4::TIMESTAMP, $5, $6, $7, $8, $9, $10::JSON, $11::JSON, $12::JSON, $13, $14, $15)', [
      run.id,
      run.model,
      run.version,
      run.startedAt.toISOString(),
      run.durationMs,
      run.task,
      run.kind,
      run.backend,
      run.solver,
      JSON.stringify(run.params),
      JSON.stringify(run.history),
      JSON.stringify(run.metrics),
      run.fingerprint,
      run.rows,
      run.code,
    ]);
  });
}

/** Runs of `model` (all models when omitted), oldest first. */
export async function listRuns(session: Session, model?: string): Promise<Run[]> {
  return withRuns(session, async (connection) => {
    const reader = await connection.runAndReadAll(
      `SELECT id, model, version, started_at::VARCHAR AS started_at, duration_ms, task, kind, backend, solver, params::VARCHAR AS params,
         history::VARCHAR AS history, metrics::VARCHAR AS metrics, fingerprint, rows, code
       FROM ml_runs WHERE $1::VARCHAR IS NULL OR model = $1::VARCHAR ORDER BY started_at, model, version`,
      [model ?? null],
    );
    return reader.getRowObjectsJS().map((row) => ({
      id: String(row.id),
      model: String(row.model),
      version: Number(row.version),
      startedAt: new Date(`${String(row.started_at).replace(' ', 'T')}Z`),
      durationMs: Number(row.duration_ms),
      task: String(row.task),
      kind: String(row.kind),
      backend: String(row.backend),
      solver: String(row.solver),
      params: JSON.parse(String(row.params)) as Record<string, unknown>,
      history: JSON.parse(String(row.history)) as EpochLog[],
      metrics: JSON.parse(String(row.metrics)) as Record<string, number>,
      fingerprint: String(row.fingerprint),
      rows: Number(row.rows),
      code: String(row.code ?? ''),
    }));
  });
}
