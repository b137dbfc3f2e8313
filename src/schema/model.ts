import { createHash } from 'node:crypto';
import { formatType, parseType } from './type-name.js';

/** What a column is keyed as, when the source knows. */
export type ColumnKey = 'primary' | 'unique';

/** One column of a normalised schema. */
export interface ColumnSchema {
  name: string;
  /** The type as the source spells it (e.g. Postgres `character varying(40)`). */
  sourceType: string;
  /** The DuckDB type the column maps to (e.g. `VARCHAR`). */
  duckdbType: string;
  nullable: boolean;
  key?: ColumnKey;
  /** 1-based position in the source. */
  position: number;
}

/** Where a schema was read from. */
export type TargetKind = 'table' | 'view' | 'file' | 'connection' | 'stream' | 'result' | 'variable';

/** A normalised schema: the same shape whatever the target was. */
export interface TableSchema {
  /** The target as named by the user (the catalog key for snapshots). */
  target: string;
  kind: TargetKind;
  columns: ColumnSchema[];
}

/**
 * A short hash of the parts of a schema that matter to consumers (names, DuckDB types, nullability, keys,
 * order), so two reads of an unchanged table agree and any change shows.
 */
export function schemaFingerprint(columns: readonly ColumnSchema[]): string {
  const canonical = [...columns]
    .sort((a, b) => a.position - b.position)
    .map((c) => [c.name, comparableType(c), c.nullable, c.key ?? null]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 16);
}

/**
 * The type a column is compared by: its DuckDB type, refined by the source's length or precision when the source
 * type maps to the same DuckDB base (Postgres `varchar(40)` is VARCHAR(40), not just VARCHAR).
 */
export function comparableType(column: Pick<ColumnSchema, 'sourceType' | 'duckdbType'>): string {
  const duck = parseType(column.duckdbType);
  const source = parseType(column.sourceType);
  return source.base === duck.base && source.params.length > duck.params.length ? formatType(source) : formatType(duck);
}
