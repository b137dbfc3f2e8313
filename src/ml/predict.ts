import { Progress } from '../display/progress.js';
import type { Session } from '../session/session.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { QueryResult } from '../sql/result.js';
import { dataRelation, type Variables } from './data-source.js';
import { resolveModelDir, type ScoringModel } from './model-store.js';
import { scoreRelation } from './score-relation.js';

/** Options of `predict()`; the same as %predict's. */
export interface PredictOptions {
  session: Session;
  /** "name", "name@version", or a loaded model. */
  model: string | ScoringModel;
  /** A source name (table, file, variable with `variables`) or the data itself. */
  data: string | object;
  variables?: Variables;
  cwd?: string;
  /** Rows scored per step. @default 65536 */
  batchSize?: number;
  /** Score in a runtime worker even when the model's runtime is this process's own. @default false */
  isolated?: boolean;
}

/**
 * The session's models by registry folder (versions never change once written, so they load once): in this
 * process when the model's runtime is the kernel's own, else in a worker running the model's runtime.
 */
export function loadCachedModel(session: Session, spec: string, options: { isolated?: boolean } = {}): Promise<ScoringModel> {
  const isolated = options.isolated === true;
  const cache = session.service('ml.models', () => new Map<string, Promise<ScoringModel>>());
  const dir = resolveModelDir(session, spec);
  const key = `${isolated ? 'isolated:' : ''}${dir}`;
  let loaded = cache.get(key);
  if (!loaded) {
    loaded = (async () => {
      const { openModel } = await import('../runtimes/open-model.js');
      const { sessionWorkers } = await import('../runtimes/session-workers.js');
      return openModel(dir, sessionWorkers(session), { isolated });
    })();
    cache.set(key, loaded);
    loaded.catch(() => cache.delete(key));
  }
  return loaded;
}

/**
 * Scores every row of a data source: rows stream from DuckDB as typed column batches, predictions go back
 * through the appender, and the rows with their prediction columns come back as a QueryResult kept in DuckDB.
 */
export async function predict(options: PredictOptions): Promise<QueryResult> {
  const { session } = options;
  const model = typeof options.model === 'string' ? await loadCachedModel(session, options.model, { isolated: options.isolated }) : options.model;
  const relation = await dataRelation(session, options.data, options.variables, options.cwd);
  const db = await embeddedDuckDB(session);
  let progress: Progress | undefined;
  const output = await scoreRelation(db, relation, model, {
    batchSize: options.batchSize,
    onStart: (total) => (progress = new Progress({ label: `Scoring with ${model.name}@${model.version}${model.runtimeLabel ? ` (${model.runtimeLabel})` : ''}`, total, unit: 'rows' })),
    onRows: (done) => progress?.update(done),
  });
  progress?.finish();
  return QueryResult.fromTable(session, output);
}
