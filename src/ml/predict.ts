import { Progress } from '../display/progress.js';
import { DataKernelError } from '../errors.js';
import type { Session } from '../session/session.js';
import { appendColumns, relationOf, tempTable, type ColumnData } from '../sql/column-writer.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { quoteIdent, tempName } from '../sql/identifiers.js';
import { QueryResult } from '../sql/result.js';
import { dataRelation, type Variables } from './data-source.js';
import { describeRelation, readColumns } from './duckdb-columns.js';
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

/**
 * Scores every row of a data source in batches read from DuckDB as typed columns, appends the predictions to
 * DuckDB through the appender, and returns the rows with prediction columns as a QueryResult (kept in DuckDB).
 */
export async function predict(options: PredictOptions): Promise<QueryResult> {
  const { session } = options;
  const model = typeof options.model === 'string' ? await loadCachedModel(session, options.model) : options.model;
  const relation = await dataRelation(session, options.data, options.variables, options.cwd);
  const { connection } = await embeddedDuckDB(session);
  const described = await describeRelation(connection, relation);
  const byName = new Map(described.map((c) => [c.name, c]));
  const missing = model.inputSchema.filter((field) => !byName.has(field.name)).map((field) => field.name);
  if (missing.length) {
    throw new DataKernelError(`The data lacks feature${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} of ${model.name}@${model.version}`, `The model needs: ${model.inputSchema.map((f) => f.name).join(', ')}.`);
  }
  const inputs = model.inputSchema.map((field) => ({ ...byName.get(field.name)!, type: field.type }));

  // A materialised copy fixes the row order, so prediction i lines up with row i in the positional join below.
  const source = tempTable(tempName('ml_input'));
  const scores = tempTable(tempName('ml_scores'));
  const output = tempTable(tempName('ml_predictions'));
  const labelType = model.task === 'regression' || model.target.numericLabels ? 'DOUBLE' : 'VARCHAR';
  await connection.run(`CREATE TEMP TABLE ${quoteIdent(source.table)} AS SELECT * FROM ${relation}`);
  try {
    await connection.run(
      `CREATE TEMP TABLE ${quoteIdent(scores.table)} (${model.outputNames.map((name, i) => `${quoteIdent(name)} ${i === 0 ? labelType : 'DOUBLE'}`).join(', ')})`,
    );
    const total = Number((await connection.runAndReadAll(`SELECT count(*) FROM ${relationOf(source)}`)).getRows()[0][0]);
    const size = options.batchSize ?? 65_536;
    const progress = new Progress({ label: `Scoring with ${model.name}@${model.version}`, total, unit: 'rows' });
    for (let offset = 0; offset < total; offset += size) {
      const batch = await readColumns(connection, relationOf(source), inputs, { offset, limit: size });
      const { point, probabilities } = await model.predictColumns(batch);
      const classes = model.outputNames.length - 1;
      const columns: ColumnData[] = [
        { name: 'prediction', sqlType: labelType, values: model.task === 'regression' ? point : Array.from(point, (p) => model.label(p)) },
        ...model.outputNames.slice(1).map((name, j) => ({ name, sqlType: 'DOUBLE', values: Float64Array.from({ length: batch.length }, (_, i) => probabilities![i * classes + j]) })),
      ];
      await appendColumns(connection, scores, columns);
      progress.update(offset + batch.length);
    }
    progress.finish();
    const clashing = described.filter((c) => model.outputNames.includes(c.name)).map((c) => quoteIdent(c.name));
    const keep = clashing.length ? `s.* EXCLUDE (${clashing.join(', ')})` : 's.*';
    await connection.run(`CREATE TEMP TABLE ${quoteIdent(output.table)} AS SELECT ${keep}, p.* FROM ${relationOf(source)} s POSITIONAL JOIN ${relationOf(scores)} p`);
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${relationOf(source)}`);
    await connection.run(`DROP TABLE IF EXISTS ${relationOf(scores)}`);
  }
  return QueryResult.fromTable(session, output);
}
