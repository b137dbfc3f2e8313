import { DEFAULT_DISPLAY_ROWS, type TableData } from './table.js';

/** The parts of an apache-arrow Table (or RecordBatch) that a table needs; arrow itself is never imported here. */
interface ArrowLike {
  numRows: number;
  schema: { fields: Array<{ name: string; type: { toString(): string } }> };
  slice(begin: number, end: number): { toArray(): Array<{ toJSON(): Record<string, unknown> }> };
}

/** An apache-arrow Table or RecordBatch, recognised by shape. */
export function isArrowTable(value: unknown): value is ArrowLike {
  const v = value as Partial<ArrowLike>;
  return !!v && typeof v === 'object' && Array.isArray(v.schema?.fields) && typeof v.numRows === 'number' && typeof v.slice === 'function';
}

/** Arrow hands dates and timestamps over as epoch milliseconds; a table shows them as dates. */
function cellValue(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return value;
  if (type.startsWith('Timestamp')) return new Date(Number(value));
  if (type.startsWith('Date')) return type.includes('DAY') ? new Date(Number(value)).toISOString().slice(0, 10) : new Date(Number(value));
  return value;
}

/** Table data for the first rows of an Arrow table, with Arrow's type names; the rest stays in Arrow memory. */
export function arrowTable(table: ArrowLike, limit = DEFAULT_DISPLAY_ROWS): TableData {
  const fields = table.schema.fields.map((f) => ({ name: f.name, type: String(f.type) }));
  return {
    columns: fields,
    rows: table
      .slice(0, limit)
      .toArray()
      .map((row) => {
        const json = row.toJSON();
        return fields.map((f) => cellValue(json[f.name], f.type));
      }),
    totalRows: table.numRows,
    caption: 'Arrow Table',
  };
}
