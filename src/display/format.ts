import { inspect } from 'node:util';
import { isDisplayable, JUPYTER_DISPLAY, type MimeBundle } from './mime.js';
import { DEFAULT_DISPLAY_ROWS, recordsTable, tableBundle } from './table.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Arrays of plain objects render as tables; so do danfo DataFrames and apache-arrow Tables. */
function tableOf(value: unknown): MimeBundle | undefined {
  if (Array.isArray(value) && value.length > 0 && value.every(isRecord)) return tableBundle(recordsTable(value));
  const v = value as Record<string, any>;
  if (v && typeof v === 'object' && v.constructor?.name === 'DataFrame' && Array.isArray(v.columns) && Array.isArray(v.shape)) {
    const columns: string[] = v.columns;
    const rows: unknown[][] = (v.values as unknown[][]).slice(0, DEFAULT_DISPLAY_ROWS);
    const types: string[] = v.dtypes ?? [];
    return tableBundle({
      columns: columns.map((name, i) => ({ name, type: types[i] })),
      rows,
      totalRows: v.shape[0],
      caption: 'DataFrame',
    });
  }
  if (v && typeof v === 'object' && v.schema?.fields && typeof v.numRows === 'number' && typeof v.slice === 'function') {
    const shown = v.slice(0, DEFAULT_DISPLAY_ROWS).toArray() as Array<{ toJSON(): Record<string, unknown> }>;
    const fields: Array<{ name: string; type: { toString(): string } }> = v.schema.fields;
    return tableBundle({
      columns: fields.map((f) => ({ name: f.name, type: String(f.type) })),
      rows: shown.map((row) => {
        const json = row.toJSON();
        return fields.map((f) => json[f.name]);
      }),
      totalRows: v.numRows,
      caption: 'Arrow Table',
    });
  }
  return undefined;
}

/** Node-REPL-like text of any value, without ANSI colours. */
export function plainText(value: unknown): string {
  return inspect(value, { colors: false, depth: 4, maxArrayLength: 100, maxStringLength: 10_000 });
}

/** The MIME bundle for a value: its own display method, a known shape (tables), else text/plain. */
export async function format(value: unknown): Promise<MimeBundle> {
  if (isDisplayable(value)) return await value[JUPYTER_DISPLAY]();
  return tableOf(value) ?? { 'text/plain': plainText(value) };
}
