import { inspect } from 'node:util';
import type { MimeBundle } from './mime.js';
import { currentOutput } from './output.js';

export interface TableColumn {
  name: string;
  /** Shown under the name, e.g. the SQL type. */
  type?: string;
}

export interface TableData {
  columns: TableColumn[];
  /** The rows to show, already cut to the display limit. */
  rows: unknown[][];
  /** Rows in the whole result; when larger than rows.length the table says so. */
  totalRows?: number;
  caption?: string;
}

/** Default number of rows a table shows. */
export const DEFAULT_DISPLAY_ROWS = 20;
const MAX_CELL_TEXT = 60;

export function cellText(value: unknown): string {
  if (value === null || value === undefined) return value === null ? 'NULL' : '';
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return JSON.stringify(value);
  }
  return inspect(value, { colors: false, breakLength: Infinity, depth: 2 });
}

function clip(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function footer(data: TableData): string | undefined {
  const total = data.totalRows ?? data.rows.length;
  const cols = `${data.columns.length} column${data.columns.length === 1 ? '' : 's'}`;
  if (total > data.rows.length) return `${data.rows.length} of ${total.toLocaleString('en-US')} rows shown × ${cols}`;
  return `${total.toLocaleString('en-US')} row${total === 1 ? '' : 's'} × ${cols}`;
}

export function tableHtml(data: TableData): string {
  const head = data.columns
    .map((c) => `<th>${escapeHtml(c.name)}${c.type ? `<br><small style="font-weight:normal;opacity:.6">${escapeHtml(c.type)}</small>` : ''}</th>`)
    .join('');
  const body = data.rows
    .map((row) => `<tr>${row.map((v) => `<td${v === null ? ' style="opacity:.5"' : ''}>${escapeHtml(clip(cellText(v), 200))}</td>`).join('')}</tr>`)
    .join('\n');
  const caption = data.caption ? `<caption>${escapeHtml(data.caption)}</caption>` : '';
  return `<table class="datakernel-table">${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table><p style="opacity:.7;font-size:smaller">${escapeHtml(footer(data) ?? '')}</p>`;
}

/** A plain-text grid; with `width` set, columns that do not fit are dropped and counted. */
export function tableText(data: TableData, width = Infinity): string {
  const header = data.columns.map((c) => (c.type ? `${c.name} (${c.type})` : c.name));
  const cells = data.rows.map((row) => row.map((v) => clip(cellText(v), MAX_CELL_TEXT)));
  let widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  let shown = widths.length;
  let used = 0;
  for (let i = 0; i < widths.length; i++) {
    used += widths[i] + (i ? 3 : 0);
    if (used > width && i > 0) {
      shown = i;
      break;
    }
  }
  widths = widths.slice(0, shown);
  const line = (values: string[]) =>
    values
      .slice(0, shown)
      .map((v, i) => v.padEnd(widths[i]))
      .join(' │ ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('─┼─');
  const lines = [line(header), rule, ...cells.map(line)];
  if (data.caption) lines.unshift(data.caption);
  const hidden = data.columns.length - shown;
  const note = footer(data);
  lines.push(hidden > 0 ? `${note} (${hidden} column${hidden === 1 ? '' : 's'} not shown)` : (note ?? ''));
  return lines.join('\n');
}

/** HTML and text renderings; a terminal front end gets its text fitted to its width. */
export function tableBundle(data: TableData): MimeBundle {
  const output = currentOutput();
  const width = output?.terminal ? (output.columns ?? Infinity) : Infinity;
  return { 'text/plain': tableText(data, width), 'text/html': tableHtml(data) };
}

/** Table data from an array of records; keys of all shown records become columns. */
export function recordsTable(records: readonly Record<string, unknown>[], limit = DEFAULT_DISPLAY_ROWS): TableData {
  const shown = records.slice(0, limit);
  const names = [...new Set(shown.flatMap((r) => Object.keys(r)))];
  return {
    columns: names.map((name) => ({ name })),
    rows: shown.map((r) => names.map((n) => r[n])),
    totalRows: records.length,
  };
}
