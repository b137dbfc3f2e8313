import { DataKernelError } from '../errors.js';

/** A numeric column (null is NaN) or a categorical one (strings; booleans and dates arrive as their text). */
export type Column = Float64Array | (string | null)[];

/** Columns of equal length, by name: how features travel from DuckDB or JS records to the model. */
export interface ColumnBatch {
  length: number;
  columns: Record<string, Column>;
}

/** Value type of a model input, as the input schema states it. */
export type InputType = 'number' | 'string' | 'boolean';

export const isNumeric = (column: Column): column is Float64Array => column instanceof Float64Array;

/** Column-oriented view of JS records; `types` decides how each field is read (absent fields become null). */
export function columnsFromRecords(rows: readonly Record<string, unknown>[], types: Record<string, InputType>): ColumnBatch {
  const columns: Record<string, Column> = {};
  for (const [name, type] of Object.entries(types)) {
    if (type === 'number') {
      const values = new Float64Array(rows.length);
      rows.forEach((row, i) => {
        const value = row[name];
        if (value === null || value === undefined) values[i] = NaN;
        else if (typeof value === 'number' || typeof value === 'bigint') values[i] = Number(value);
        else throw new DataKernelError(`Feature "${name}" must be a number, got ${JSON.stringify(value)} in row ${i + 1}`, `Send "${name}" as a JSON number (or null when it is missing).`);
      });
      columns[name] = values;
    } else {
      columns[name] = rows.map((row) => {
        const value = row[name];
        return value === null || value === undefined ? null : value instanceof Date ? value.toISOString() : String(value);
      });
    }
  }
  return { length: rows.length, columns };
}

/** The rows `rows` of `batch`, in that order. */
export function selectRows(batch: ColumnBatch, rows: ArrayLike<number>): ColumnBatch {
  const columns: Record<string, Column> = {};
  for (const [name, column] of Object.entries(batch.columns)) {
    const out: Column = isNumeric(column) ? new Float64Array(rows.length) : new Array<string | null>(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = column[rows[i]];
    columns[name] = out;
  }
  return { length: rows.length, columns };
}
