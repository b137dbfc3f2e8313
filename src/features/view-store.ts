import { catalogTables } from '../catalog/catalog.js';
import { DataKernelError } from '../errors.js';
import { currentSession, type Session } from '../session/session.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { checkSpec, parseTtl, type FeatureView, type FeatureViewSpec } from './feature-view.js';
import { sourceRelation, type SourceScope } from './source.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS feature_views (name VARCHAR PRIMARY KEY, definition JSON NOT NULL, defined_at TIMESTAMP NOT NULL);
  CREATE TABLE IF NOT EXISTS feature_materializations (
    view VARCHAR NOT NULL, target VARCHAR NOT NULL, version BIGINT NOT NULL, mode VARCHAR NOT NULL,
    watermark TIMESTAMP, rows BIGINT NOT NULL, started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP NOT NULL)`;

/** Runs `fn` on the catalog with the feature tables created. */
const withFeatureCatalog = catalogTables(SCHEMA);

const TIME_TYPES = /^(TIMESTAMP.*|DATE)$/i;

/** Checks the spec against its source (columns present, event time a time type) and stores it; redefining replaces it. */
export async function defineFeatures(spec: FeatureViewSpec, scope: SourceScope = {}): Promise<FeatureView> {
  const session = scope.session ?? currentSession();
  checkSpec(spec);
  const relation = await sourceRelation(session, spec.source, scope);
  const { connection } = await embeddedDuckDB(session);
  const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`);
  const types = new Map(described.getRowObjects().map((r) => [String(r.column_name), String(r.column_type)]));
  const missing = [spec.entity, spec.timestamp, ...spec.features].filter((c) => !types.has(c));
  if (missing.length) {
    throw new DataKernelError(`Feature view ${spec.name}: ${spec.source} has no column ${missing.join(', ')}`, `Its columns are ${[...types.keys()].join(', ')}.`);
  }
  const timeType = types.get(spec.timestamp)!;
  if (!TIME_TYPES.test(timeType)) {
    throw new DataKernelError(`Feature view ${spec.name}: the event-time column ${spec.timestamp} is ${timeType}`, 'Use a TIMESTAMP or DATE column (a query source can convert: to_timestamp(epoch), CAST(t AS TIMESTAMP)).');
  }
  const view: FeatureView = {
    name: spec.name,
    entity: spec.entity,
    source: spec.source,
    features: [...spec.features],
    timestamp: spec.timestamp,
    ttlMs: parseTtl(spec.ttl),
    defaults: spec.defaults ? { ...spec.defaults } : null,
    keyPrefix: spec.keyPrefix ?? 'dk:fv:',
    types: Object.fromEntries([spec.entity, spec.timestamp, ...spec.features].map((c) => [c, types.get(c)!])),
    definedAt: new Date().toISOString(),
  };
  await withFeatureCatalog(session, async (catalog) => {
    const statement = await catalog.prepare('INSERT OR REPLACE INTO feature_views VALUES ($1, $2, now()::TIMESTAMP)');
    statement.bind([view.name, JSON.stringify(view)]);
    await statement.run();
  });
  return view;
}

/** Every feature view of the project, by name. */
export async function listFeatureViews(session: Session): Promise<FeatureView[]> {
  return withFeatureCatalog(session, async (catalog) => {
    const rows = (await catalog.runAndReadAll('SELECT definition FROM feature_views ORDER BY name')).getRows();
    return rows.map(([definition]) => JSON.parse(String(definition)) as FeatureView);
  });
}

/** The feature view called `name`; a clear error naming the known ones when there is none. */
export async function getFeatureView(session: Session, name: string): Promise<FeatureView> {
  const views = await listFeatureViews(session);
  const view = views.find((v) => v.name === name);
  if (!view) {
    throw new DataKernelError(`No feature view named ${name}`, views.length ? `Known views: ${views.map((v) => v.name).join(', ')}.` : 'Define one with %features define or defineFeatures({...}).');
  }
  return view;
}

/** The last finished materialization of a view into one Redis target. */
export interface MaterializationRecord {
  version: number;
  /** The latest event time written, in microseconds since the epoch (DuckDB's TIMESTAMP precision). */
  watermarkUs: number | null;
  rows: number;
  mode: 'full' | 'incremental';
  finishedAt: Date;
}

export async function lastMaterialization(session: Session, view: string, target: string): Promise<MaterializationRecord | undefined> {
  return withFeatureCatalog(session, async (catalog) => {
    const statement = await catalog.prepare(
      'SELECT version, epoch_us(watermark), rows, mode, epoch_ms(finished_at) FROM feature_materializations WHERE view = $1 AND target = $2 ORDER BY finished_at DESC LIMIT 1',
    );
    statement.bind([view, target]);
    const row = (await statement.runAndReadAll()).getRows()[0];
    if (!row) return undefined;
    return { version: Number(row[0]), watermarkUs: row[1] === null ? null : Number(row[1]), rows: Number(row[2]), mode: row[3] as 'full' | 'incremental', finishedAt: new Date(Number(row[4])) };
  });
}

export async function recordMaterialization(session: Session, view: string, target: string, record: MaterializationRecord & { startedAt: Date }): Promise<void> {
  await withFeatureCatalog(session, async (catalog) => {
    const statement = await catalog.prepare('INSERT INTO feature_materializations VALUES ($1, $2, $3, $4, make_timestamp($5::BIGINT), $6, make_timestamp($7::BIGINT * 1000), make_timestamp($8::BIGINT * 1000))');
    statement.bind([view, target, record.version, record.mode, record.watermarkUs, record.rows, record.startedAt.getTime(), record.finishedAt.getTime()]);
    await statement.run();
  });
}
