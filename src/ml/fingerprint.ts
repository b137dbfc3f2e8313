import { createHash } from 'node:crypto';
import { isNumeric, type ColumnBatch } from './columns.js';

/** sha256 of a batch's column names and values: the same data gives the same fingerprint, whatever its source. */
export function fingerprint(batch: ColumnBatch): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(batch.columns).sort()) {
    const column = batch.columns[name];
    hash.update(`${name}\0${batch.length}\0`);
    if (isNumeric(column)) hash.update(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
    else for (const value of column) hash.update(value === null ? '\u0001' : `${value}\0`);
  }
  return hash.digest('hex');
}
