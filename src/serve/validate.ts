import { badRequest } from './http-error.js';
import type { FeatureSpec } from './servable.js';

const describe = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/**
 * Checks request rows against the model's input schema and returns rows holding exactly its features
 * (absent optional features become null, extra keys are dropped). Throws 400 naming the first bad feature.
 */
export function validateRows(schema: readonly FeatureSpec[], rows: readonly unknown[]): Record<string, unknown>[] {
  if (rows.length === 0) throw badRequest('The request holds no rows to predict');
  const out = new Array<Record<string, unknown>>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw badRequest(`Row ${r} is ${describe(row)}, expected an object of features (${schema.map((f) => f.name).join(', ')})`);
    }
    const source = row as Record<string, unknown>;
    const clean: Record<string, unknown> = {};
    for (const feature of schema) {
      const value = source[feature.name];
      if (value === undefined || value === null) {
        if (feature.required) throw badRequest(`Missing required feature '${feature.name}' in row ${r}`);
        clean[feature.name] = null;
      } else if (typeof value !== feature.type || (feature.type === 'number' && !Number.isFinite(value))) {
        throw badRequest(`Feature '${feature.name}' in row ${r} must be a ${feature.type}, got ${describe(value)} ${JSON.stringify(value)}`);
      } else {
        clean[feature.name] = value;
      }
    }
    out[r] = clean;
  }
  return out;
}

/** Rows from columns of equal length (`{feature: [values]}`), the columnar layout both protocols allow. */
export function rowsFromColumns(columns: Record<string, readonly unknown[]>): Record<string, unknown>[] {
  const names = Object.keys(columns);
  if (names.length === 0) throw badRequest('The request names no input features');
  const length = columns[names[0]].length;
  for (const name of names) {
    if (columns[name].length !== length) {
      throw badRequest(`Input '${name}' has ${columns[name].length} values but '${names[0]}' has ${length}; all inputs need the same batch size`);
    }
  }
  return Array.from({ length }, (_, i) => {
    const row: Record<string, unknown> = {};
    for (const name of names) row[name] = columns[name][i];
    return row;
  });
}
