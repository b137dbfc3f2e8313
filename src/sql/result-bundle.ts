import type { MimeBundle } from '../display/mime.js';
import { tableBundle } from '../display/table.js';

/** JSON-safe value for application/vnd.dataresource+json. */
const jsonSafe = (value: unknown): unknown =>
  typeof value === 'bigint' ? (Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()) : value instanceof Uint8Array ? `<${value.length} bytes>` : value;

function tableSchemaType(sqlType: string): string {
  const t = sqlType.toUpperCase();
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|U\w*INT)$/.test(t)) return 'integer';
  if (/^(FLOAT|DOUBLE|DECIMAL)/.test(t)) return 'number';
  if (t === 'BOOLEAN') return 'boolean';
  if (t === 'DATE') return 'date';
  if (t.startsWith('TIMESTAMP')) return 'datetime';
  if (t.endsWith('[]') || t.startsWith('STRUCT') || t.startsWith('MAP') || t === 'JSON') return 'any';
  return 'string';
}

/**
 * How rows of a DuckDB query show: an HTML table with types and the first rows, text/plain, and a Table Schema
 * data resource (what JupyterLab's and nteract's data explorers read).
 */
export function resultBundle(columns: { name: string; type: string }[], rows: unknown[][], totalRows: number, caption?: string): MimeBundle {
  const data = tableBundle({ columns, rows, totalRows, caption });
  data['application/vnd.dataresource+json'] = {
    schema: { fields: columns.map((c) => ({ name: c.name, type: tableSchemaType(c.type) })) },
    data: rows.map((row) => Object.fromEntries(columns.map((c, i) => [c.name, jsonSafe(row[i])]))),
  };
  return data;
}
