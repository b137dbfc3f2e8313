import { Progress } from '../display/progress.js';
import { DataKernelError } from '../errors.js';
import type { Session } from '../session/session.js';
import { relationOf, tempTable, type TableRef } from '../sql/column-writer.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { quoteIdent, tempName } from '../sql/identifiers.js';
import { QueryResult } from '../sql/result.js';
import { dataRelation, type Variables } from './data-source.js';
import { appendTypedColumns, describeRelation, streamColumns, typedSelectList } from './duckdb-columns.js';
import { loadModel, resolveModelDir, type LoadedModel } from './model-store.js';

/** Options of `predict()`; the same as %predict's. */
export interface PredictOptions {
  session: Session;
  /** "name", "name@version", or a loaded model. */
  model: string | LoadedModel;
  /** A source name (table, file, variable with `variables`) or the data itself. */
  data: string | object;
  variables?: Variables;
  cwd?: string;
  /** Rows scored per step. @default 65536 */
  batchSize?: number;
}

/** The session's loaded models by registry folder: versions never change once written, so they load once. */
export function loadCachedModel(session: Session, spec: string): Promise<LoadedModel> {
  const cache = session.service('ml.models', () => new Map<string, Promise<LoadedModel>>());
  const dir = resolveModelDir(session, spec);
  let loaded = cache.get(dir);
  if (!loaded) {
    loaded = loadModel(dir);
    cache.set(dir, loaded);
    loaded.catch(() => cache.delete(dir));
  }
  return loaded;
}

/** Prediction columns for a batch: the label or value, then one probability column per class. */
function predictionColumns(model: LoadedModel, point: Float64Array, probabilities: Float32Array | undefined): ArrayLike<number | string | null>[] {
  const n = point.length;
  const classes = model.outputNames.length - 1;
  if (classes === 0) return [point];
  const labels = new Array<string | number>(n);
  for (let i = 0; i < n; i++) labels[i] = model.label(point[i]);
  const columns: ArrayLike<number | string | null>[] = [labels];
  for (let j = 0; j < classes; j++) {
    const column = new Float64Array(n);
    for (let i = 0; i < n; i++) column[i] = probabilities![i * classes + j];
    columns.push(column);
  }
  return columns;
}

/**
 * Scores every row of a data source: rows stream from DuckDB as typed column batches, predictions go back
 * through the appender, and the rows with their prediction columns come back as a QueryResult kept in DuckDB.
 */
export async function predict(options: PredictOptions): Promise<QueryResult> {
  const { session } = options;
  const model = typeof options.model === 'string' ? await loadCachedModel(session, options.model) : options.model;
  const relation = await dataRelation(session, options.data, options.variables, options.cwd);
  const { instance, connection } = await embeddedDuckDB(session);
  const described = await describeRelation(connection, relation);
  const byName = new Map(described.map((c) => [c.name, c]));
  const missing = model.inputSchema.filter((field) => !byName.has(field.name)).map((field) => field.name);
  if (missing.length) {
    throw new DataKernelError(`The data lacks feature${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} of ${model.name}@${model.version}`, `The model needs: ${model.inputSchema.map((f) => f.name).join(', ')}.`);
  }
  const inputs = model.inputSchema.map((field) => ({ ...byName.get(field.name)!, type: field.type }));

  // The input is copied once into a table of the shared in-memory database: that fixes the row order for the
  // positional join below, and lets a second connection stream it while this one appends predictions.
  const input: TableRef = { catalog: 'memory', schema: 'main', table: tempName('ml_input') };
  const scores = tempTable(tempName('ml_scores'));
  const output = tempTable(tempName('ml_predictions'));
  const labelType = model.task === 'regression' || model.target.numericLabels ? 'DOUBLE' : 'VARCHAR';
  const reader = await instance.connect();
  await connection.run(`CREATE TABLE ${relationOf(input)} AS SELECT * FROM ${relation}`);
  try {
    await connection.run(
      `CREATE TEMP TABLE ${quoteIdent(scores.table)} (${model.outputNames.map((name, i) => `${quoteIdent(name)} ${i === 0 ? labelType : 'DOUBLE'}`).join(', ')})`,
    );
    const total = Number((await connection.runAndReadAll(`SELECT count(*) FROM ${relationOf(input)}`)).getRows()[0][0]);
    const progress = new Progress({ label: `Scoring with ${model.name}@${model.version}`, total, unit: 'rows' });
    const appender = await connection.createAppender(scores.table, scores.schema, scores.catalog);
    try {
      let done = 0;
      for await (const batch of streamColumns(reader, `SELECT ${typedSelectList(inputs)} FROM ${relationOf(input)}`, inputs, options.batchSize ?? 65_536)) {
        const { point, probabilities } = await model.predictColumns(batch);
        await appendTypedColumns(appender, predictionColumns(model, point, probabilities), batch.length);
        done += batch.length;
        progress.update(done);
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    progress.finish();
    const clashing = described.filter((c) => model.outputNames.includes(c.name)).map((c) => quoteIdent(c.name));
    const keep = clashing.length ? `s.* EXCLUDE (${clashing.join(', ')})` : 's.*';
    await connection.run(`CREATE TEMP TABLE ${quoteIdent(output.table)} AS SELECT ${keep}, p.* FROM ${relationOf(input)} s POSITIONAL JOIN ${relationOf(scores)} p`);
  } finally {
    reader.closeSync();
    await connection.run(`DROP TABLE IF EXISTS ${relationOf(input)}`);
    await connection.run(`DROP TABLE IF EXISTS ${relationOf(scores)}`);
  }
  return QueryResult.fromTable(session, output);
}
