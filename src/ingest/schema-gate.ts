import { diffSchemas, type SchemaDiff } from '../schema/diff.js';
import type { ColumnSchema, TableSchema } from '../schema/model.js';
import { IngestBlockedError } from './result.js';

/** What a Parquet destination will hold: DuckDB writes every column as nullable and keeps no keys. */
export const asWritten = (columns: ColumnSchema[]): ColumnSchema[] =>
  columns.map(({ key: _key, ...c }) => ({ ...c, sourceType: c.duckdbType, nullable: true }));

/**
 * The schema gate of every load: the incoming columns against what the destination holds. A breaking change
 * throws IngestBlockedError (nothing is written) unless `allowBreaking`; the diff is returned either way.
 */
export function checkSchema(before: TableSchema, columns: ColumnSchema[], label: string, allowBreaking: boolean): SchemaDiff {
  const diff = diffSchemas(before, { target: label, kind: 'table', columns: asWritten(columns) });
  if (diff.breaking && !allowBreaking) throw new IngestBlockedError(diff);
  return diff;
}
