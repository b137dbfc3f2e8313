import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { DataKernelError } from '../errors.js';
import { relationOf, tempTable, type TableRef } from '../sql/column-writer.js';
import { quoteIdent, tempName } from '../sql/identifiers.js';
import { appendTypedColumns, describeRelation, streamColumns, typedSelectList } from './duckdb-columns.js';
import type { ScoringModel } from './model-store.js';

/** Where a relation is scored: a DuckDB instance and the connection whose temp tables hold the result. */
export interface ScoringDatabase {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
}

/** Prediction columns for a batch: the label or value, then one probability column per class. */
function predictionColumns(model: ScoringModel, point: Float64Array, probabilities: Float32Array | undefined): ArrayLike<number | string | null>[] {
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
 * Scores every row of `relation`: rows stream from DuckDB as typed column batches, predictions go back through
 * the appender, and the rows with their prediction columns land in a temp table of `db.connection` (returned).
 * `onStart` hears the row count, `onRows` the rows scored so far.
 */
export async function scoreRelation(
  db: ScoringDatabase,
  relation: string,
  model: ScoringModel,
  options: { batchSize?: number; onStart?: (total: number) => void; onRows?: (done: number) => void } = {},
): Promise<TableRef> {
  const { instance, connection } = db;
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
    options.onStart?.(Number((await connection.runAndReadAll(`SELECT count(*) FROM ${relationOf(input)}`)).getRows()[0][0]));
    const appender = await connection.createAppender(scores.table, scores.schema, scores.catalog);
    try {
      let done = 0;
      for await (const batch of streamColumns(reader, `SELECT ${typedSelectList(inputs)} FROM ${relationOf(input)}`, inputs, options.batchSize ?? 65_536)) {
        const { point, probabilities } = await model.predictColumns(batch);
        await appendTypedColumns(appender, predictionColumns(model, point, probabilities), batch.length);
        done += batch.length;
        options.onRows?.(done);
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    const clashing = described.filter((c) => model.outputNames.includes(c.name)).map((c) => quoteIdent(c.name));
    const keep = clashing.length ? `s.* EXCLUDE (${clashing.join(', ')})` : 's.*';
    await connection.run(`CREATE TEMP TABLE ${quoteIdent(output.table)} AS SELECT ${keep}, p.* FROM ${relationOf(input)} s POSITIONAL JOIN ${relationOf(scores)} p`);
  } finally {
    reader.closeSync();
    await connection.run(`DROP TABLE IF EXISTS ${relationOf(input)}`);
    await connection.run(`DROP TABLE IF EXISTS ${relationOf(scores)}`);
  }
  return output;
}
