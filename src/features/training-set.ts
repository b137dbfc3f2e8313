import { DataKernelError } from '../errors.js';
import { currentSession, type Session } from '../session/session.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { quoteIdent } from '../sql/identifiers.js';
import { runSql } from '../sql/query.js';
import type { QueryResult } from '../sql/result.js';
import type { FeatureView } from './feature-view.js';
import { sourceRelation, type SourceScope } from './source.js';
import { getFeatureView } from './view-store.js';

export interface TrainingSetOptions extends SourceScope {
  /** The label rows: any source (table, file, query, variable) with each view's entity column and an event time. */
  entities: string;
  /** Feature views to join, each `view` (all its features) or `view:feature`. */
  features: string[];
  /** The label rows' event-time column. @default the first view's timestamp column name, else "timestamp" */
  timestamp?: string;
}

/** Epoch microseconds of a time column, whatever its type (DATE, TIMESTAMP, TIMESTAMPTZ): comparable across sources. */
const micros = (column: string, type: string) => `epoch_us(${type === 'DATE' ? `CAST(${column} AS TIMESTAMP)` : column})`;

/** `view` or `view:feature` items grouped by view, in the order given. */
async function selectedFeatures(session: Session, items: string[]): Promise<{ view: FeatureView; features: string[] }[]> {
  const byView = new Map<string, { view: FeatureView; features: string[] }>();
  for (const item of items) {
    const [name, feature] = item.split(':');
    let entry = byView.get(name);
    if (!entry) byView.set(name, (entry = { view: await getFeatureView(session, name), features: [] }));
    if (feature === undefined) entry.features.push(...entry.view.features);
    else if (entry.view.features.includes(feature)) entry.features.push(feature);
    else throw new DataKernelError(`Feature view ${name} has no feature ${feature}`, `Its features are ${entry.view.features.join(', ')}.`);
  }
  return [...byView.values()];
}

/**
 * Point-in-time correct training rows: every label row (in its order, all its columns) with each feature's value
 * as of the row's event time: the latest event at or before it (a DuckDB ASOF join), null when there is none
 * or it is older than the view's TTL. Values recorded after the label time never leak in.
 */
export async function trainingSet(options: TrainingSetOptions): Promise<QueryResult> {
  const session = options.session ?? currentSession();
  if (!options.features.length) throw new DataKernelError('A training set needs at least one feature view', 'e.g. --features user_stats,item_stats');
  const groups = await selectedFeatures(session, options.features);
  const labels = await sourceRelation(session, options.entities, options);
  const { connection } = await embeddedDuckDB(session);
  const described = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${labels}`)).getRowObjects();
  const labelTypes = new Map(described.map((r) => [String(r.column_name), String(r.column_type)]));
  const timestamp = options.timestamp ?? (labelTypes.has(groups[0].view.timestamp) ? groups[0].view.timestamp : 'timestamp');
  if (!labelTypes.has(timestamp)) {
    throw new DataKernelError(`The label rows (${options.entities}) have no event-time column ${timestamp}`, `Name it with --timestamp COLUMN; the columns are ${[...labelTypes.keys()].join(', ')}.`);
  }
  const seen = new Set(labelTypes.keys());
  const selects: string[] = [];
  const joins: string[] = [];
  for (const [i, { view, features }] of groups.entries()) {
    if (!labelTypes.has(view.entity)) {
      throw new DataKernelError(`The label rows have no column ${view.entity}, the entity key of feature view ${view.name}`, 'Give label rows with that column (a query source can rename one: SELECT id AS user_id, ...).');
    }
    for (const feature of features) {
      if (seen.has(feature)) throw new DataKernelError(`Column ${feature} would appear twice in the training set`, 'Pick view:feature items that do not clash with each other or with the label columns.');
      seen.add(feature);
    }
    const alias = `__dk_f${i}`;
    const source = await sourceRelation(session, view.source, options);
    const fresh = view.ttlMs === null ? 'TRUE' : `${alias}.__dk_t >= l.__dk_t - ${Math.round(view.ttlMs * 1000)}`;
    selects.push(...features.map((f) => `CASE WHEN ${fresh} THEN ${alias}.${quoteIdent(f)} END AS ${quoteIdent(f)}`));
    joins.push(
      `ASOF LEFT JOIN (SELECT ${quoteIdent(view.entity)} AS __dk_e, ${micros(quoteIdent(view.timestamp), view.types[view.timestamp])} AS __dk_t, ${features.map(quoteIdent).join(', ')}
         FROM ${source} WHERE ${quoteIdent(view.timestamp)} IS NOT NULL) ${alias}
       ON l.${quoteIdent(view.entity)} = ${alias}.__dk_e AND l.__dk_t >= ${alias}.__dk_t`,
    );
  }
  const sql = `SELECT l.* EXCLUDE (__dk_row, __dk_t), ${selects.join(', ')}
    FROM (SELECT *, row_number() OVER () AS __dk_row, ${micros(quoteIdent(timestamp), labelTypes.get(timestamp)!)} AS __dk_t FROM ${labels}) l
    ${joins.join('\n')}
    ORDER BY l.__dk_row`;
  return runSql(session, sql);
}
