import type { DuckDBConnection } from '@duckdb/node-api';
import { Progress } from '../display/progress.js';
import { DataKernelError } from '../errors.js';
import { dataRelation, type Variables } from '../ml/data-source.js';
import { describeRelation, type RelationColumn } from '../ml/duckdb-columns.js';
import type { Session } from '../session/session.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { quoteIdent, tempName } from '../sql/identifiers.js';
import { categoryCounts, histogramCounts, numericSummary, type Counts, type NumericSummary } from './column-queries.js';
import { DriftReport, type ColumnDrift, type DriftMethod } from './drift-report.js';
import {
  chiSquareTest,
  jensenShannonDistance,
  ksPValue,
  populationStabilityIndex,
  proportionZTest,
  sharesWithoutZeros,
  sumOf,
} from './statistics.js';

/** How columns are compared and when a dataset counts as drifted. */
export interface DriftOptions {
  /** Columns to compare. @default every column both datasets have (dates, lists and blobs left out) */
  columns?: string[];
  /** The per-column test; "auto" follows Evidently's defaults (see DRIFT_METHODS). @default "auto" */
  method?: DriftMethod | 'auto';
  /**
   * Drift threshold of the test: a p-value for ks/chisquare/z (drift below it), a distance or index for
   * wasserstein/jensenshannon/psi (drift at or above it). @default 0.05 for p-values, 0.1 otherwise
   */
  threshold?: number;
  /** Share of drifted columns at which the whole dataset counts as drifted. @default 0.5 */
  driftShare?: number;
}

/** Up to this many reference rows, statistical tests decide (Evidently's rule); above, distances do. */
export const SMALL_SAMPLE_ROWS = 1000;
// Numeric columns with this few distinct values are compared as categories (Evidently's rule).
const FEW_VALUES = 5;
// Numeric columns with more distinct reference values than this are binned for PSI, JS and charts.
const BIN_ABOVE_UNIQUE = 20;

const P_VALUE_METHODS = new Set<DriftMethod>(['ks', 'chisquare', 'z']);
const UNCOMPARABLE_TYPE = /^(DATE|TIME|TIMESTAMP|INTERVAL|BLOB|UUID|BIT)|\[|STRUCT|MAP|UNION/i;

async function columnTypes(connection: DuckDBConnection, relation: string): Promise<Map<string, RelationColumn>> {
  return new Map((await describeRelation(connection, relation)).map((c) => [c.name, c]));
}

function chooseColumns(reference: Map<string, RelationColumn>, current: Map<string, RelationColumn>, wanted?: string[]): string[] {
  if (wanted?.length) {
    for (const name of wanted) {
      const missing = [reference.has(name) ? undefined : 'reference', current.has(name) ? undefined : 'current'].filter(Boolean);
      if (missing.length) throw new DataKernelError(`Column "${name}" is not in the ${missing.join(' and ')} data`, `Columns in both: ${[...reference.keys()].filter((c) => current.has(c)).join(', ')}`);
    }
    return wanted;
  }
  const shared = [...reference.keys()].filter((c) => current.has(c) && !UNCOMPARABLE_TYPE.test(reference.get(c)!.sqlType));
  if (shared.length === 0) throw new DataKernelError('The two datasets have no comparable column in common', 'Compare data with the same feature columns, or name them with --columns.');
  return shared;
}

/** The test Evidently picks by default for a column of this kind, size and number of distinct values. */
function autoMethod(numeric: boolean, referenceRows: number, distinct: number): DriftMethod {
  const small = referenceRows <= SMALL_SAMPLE_ROWS;
  if (numeric && distinct > FEW_VALUES) return small ? 'ks' : 'wasserstein';
  if (small) return distinct > 2 ? 'chisquare' : 'z';
  return 'jensenshannon';
}

function scoreOf(method: DriftMethod, counts: Counts, summary: NumericSummary | undefined, refShares: number[], curShares: number[], psi: number): number {
  switch (method) {
    case 'ks':
      return ksPValue(summary!.m, summary!.n, summary!.ksScaled);
    case 'wasserstein':
      // Normalised by the reference spread so one threshold fits every unit; a constant reference keeps the raw distance.
      return summary!.referenceStd > 0 ? summary!.wasserstein / summary!.referenceStd : summary!.wasserstein;
    case 'chisquare':
      return chiSquareTest(counts.reference, counts.current).pValue;
    case 'z':
      return proportionZTest(counts.reference[0] ?? 0, sumOf(counts.reference), counts.current[0] ?? 0, sumOf(counts.current)).pValue;
    case 'jensenshannon':
      return jensenShannonDistance(refShares, curShares);
    case 'psi':
      return psi;
  }
}

async function compareColumn(connection: DuckDBConnection, reference: string, current: string, column: string, numeric: boolean, options: DriftOptions): Promise<ColumnDrift> {
  const summary = numeric ? await numericSummary(connection, reference, current, column) : undefined;
  let counts: Counts;
  if (summary && summary.referenceUnique > BIN_ABOVE_UNIQUE && summary.max > summary.min) {
    const bins = Math.ceil(Math.log2(summary.m + summary.n) + 1);
    counts = await histogramCounts(connection, reference, current, column, summary, bins);
  } else {
    counts = await categoryCounts(connection, reference, current, column, numeric);
  }
  const referenceRows = summary?.m ?? sumOf(counts.reference);
  const currentRows = summary?.n ?? sumOf(counts.current);
  const kind = numeric ? 'numeric' : 'categorical';
  if (referenceRows === 0 || currentRows === 0) {
    return { column, kind, method: undefined, score: NaN, threshold: NaN, drifted: false, psi: NaN, referenceRows, currentRows, counts };
  }
  const refShares = sharesWithoutZeros(counts.reference, referenceRows);
  const curShares = sharesWithoutZeros(counts.current, currentRows);
  const psi = populationStabilityIndex(refShares, curShares);
  const distinct = summary?.combinedUnique ?? counts.labels.length;
  const forced = options.method && options.method !== 'auto' ? options.method : undefined;
  // KS and Wasserstein need numbers; a categorical column keeps its default test then.
  const method = forced && (numeric || !['ks', 'wasserstein'].includes(forced)) ? forced : autoMethod(numeric, referenceRows, distinct);
  const score = scoreOf(method, counts, summary, refShares, curShares, psi);
  const pValue = P_VALUE_METHODS.has(method);
  const threshold = options.threshold ?? (pValue ? 0.05 : 0.1);
  return { column, kind, method, score, threshold, drifted: pValue ? score < threshold : score >= threshold, psi, referenceRows, currentRows, counts };
}

/**
 * Compares two relations of the same DuckDB connection column by column (as Evidently's data drift preset
 * does) and gives a dataset verdict. The heavy work (ECDFs, histograms, counts) runs in DuckDB.
 */
export async function compareRelations(connection: DuckDBConnection, reference: string, current: string, options: DriftOptions = {}): Promise<DriftReport> {
  const [refTypes, curTypes] = await Promise.all([columnTypes(connection, reference), columnTypes(connection, current)]);
  const columns = chooseColumns(refTypes, curTypes, options.columns);
  // Each column takes several passes: read files and remote tables once, into temp tables of the compared columns.
  const [refTable, curTable] = [tempName('drift_ref'), tempName('drift_cur')];
  const list = columns.map(quoteIdent).join(', ');
  try {
    await connection.run(`CREATE TEMP TABLE ${refTable} AS SELECT ${list} FROM ${reference}`);
    await connection.run(`CREATE TEMP TABLE ${curTable} AS SELECT ${list} FROM ${current}`);
    const progress = new Progress({ label: 'Drift', total: columns.length, unit: 'columns' });
    const results: ColumnDrift[] = [];
    for (const column of columns) {
      const numeric = refTypes.get(column)!.type === 'number' && curTypes.get(column)!.type === 'number';
      results.push(await compareColumn(connection, refTable, curTable, column, numeric, options));
      progress.update(results.length, column);
    }
    progress.finish('');
    return new DriftReport(results, options.driftShare ?? 0.5);
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${refTable}; DROP TABLE IF EXISTS ${curTable}`);
  }
}

/**
 * Compares two datasets of the session: each a source name (variable, DuckDB table, connection table,
 * file path) or the data itself (records, apache-arrow Table, danfo DataFrame, QueryResult).
 */
export async function detectDrift(session: Session, reference: string | object, current: string | object, options: DriftOptions & { variables?: Variables; cwd?: string } = {}): Promise<DriftReport> {
  const { connection } = await embeddedDuckDB(session);
  const [ref, cur] = [await dataRelation(session, reference, options.variables, options.cwd), await dataRelation(session, current, options.variables, options.cwd)];
  return compareRelations(connection, ref, cur, options);
}
