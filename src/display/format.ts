import { inspect } from 'node:util';
import { isDisplayable, JUPYTER_DISPLAY, type MimeBundle } from './mime.js';
import { arrowTable, isArrowTable } from './arrow-table.js';
import { danfoTable, isDanfo } from './danfo-table.js';
import { recordsTable, tableBundle } from './table.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Arrays of plain objects render as tables; so do danfo DataFrames/Series and apache-arrow Tables. */
function tableOf(value: unknown): MimeBundle | undefined {
  if (Array.isArray(value) && value.length > 0 && value.every(isRecord)) return tableBundle(recordsTable(value));
  if (isDanfo(value)) return tableBundle(danfoTable(value));
  if (isArrowTable(value)) return tableBundle(arrowTable(value));
  return undefined;
}

/** Node-REPL-like text of any value, without ANSI colours. */
export function plainText(value: unknown): string {
  return inspect(value, { colors: false, depth: 4, maxArrayLength: 100, maxStringLength: 10_000 });
}

/** format() without waiting when the bundle is at hand, so a display keeps its place among prints. */
export function formatNow(value: unknown): MimeBundle | Promise<MimeBundle> {
  if (isDisplayable(value)) return value[JUPYTER_DISPLAY]();
  return tableOf(value) ?? { 'text/plain': plainText(value) };
}

/** The MIME bundle for a value: its own display method, a known shape (tables), else text/plain. */
export async function format(value: unknown): Promise<MimeBundle> {
  return await formatNow(value);
}
