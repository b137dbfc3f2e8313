import { JUPYTER_DISPLAY, type MimeBundle } from '../display/mime.js';
import { tableBundle, type TableData } from '../display/table.js';
import type { Session } from '../session/session.js';
import { comparableType, schemaFingerprint, type ColumnSchema, type TableSchema, type TargetKind } from './model.js';
import { resolveTarget, type TargetOptions, type TargetSource } from './target.js';

/** The columns of a schema as table data: position, name, DuckDB type, source type, nullability, key. */
export function columnsTable(columns: readonly ColumnSchema[], caption?: string): TableData {
  return {
    caption,
    columns: [{ name: '#' }, { name: 'column' }, { name: 'type' }, { name: 'source type' }, { name: 'nullable' }, { name: 'key' }],
    rows: columns.map((c) => [c.position, c.name, comparableType(c), c.sourceType, c.nullable ? 'yes' : 'NOT NULL', c.key ?? '']),
  };
}

/** A normalised schema that displays as a table of its columns. */
export class SchemaView implements TableSchema {
  readonly target: string;
  readonly kind: TargetKind;
  readonly columns: ColumnSchema[];

  constructor(schema: TableSchema) {
    this.target = schema.target;
    this.kind = schema.kind;
    this.columns = schema.columns;
  }

  /** Hash of names, types, nullability, keys and order. */
  get fingerprint(): string {
    return schemaFingerprint(this.columns);
  }

  /** The column named `name` (exact, then case-insensitive). */
  column(name: string): ColumnSchema | undefined {
    return this.columns.find((c) => c.name === name) ?? this.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
  }

  toJSON(): TableSchema {
    return { target: this.target, kind: this.kind, columns: this.columns };
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return tableBundle(columnsTable(this.columns, `${this.target} (${this.kind}): ${this.columns.length} columns, fingerprint ${this.fingerprint}`));
  }
}

/** The normalised schema of any target: table, view, file, connection table, variable or query result. */
export async function schemaOf(session: Session, source: TargetSource, options: TargetOptions = {}): Promise<SchemaView> {
  const target = await resolveTarget(session, source, options);
  return new SchemaView(await target.schema());
}
