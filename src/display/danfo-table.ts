import { DEFAULT_DISPLAY_ROWS, type TableData } from './table.js';

/** The parts of a danfo.js DataFrame or Series that a table needs (danfo itself is never imported here). */
interface DanfoLike {
  $isSeries?: boolean;
  shape: number[];
  columns: string[];
  dtypes: string[];
  index: Array<string | number>;
  values: unknown[];
}

/** A danfo.js DataFrame or Series, recognised by shape so that rendering one never loads danfo. */
export function isDanfo(value: unknown): value is DanfoLike {
  const v = value as Partial<DanfoLike> & { constructor?: { name?: string } };
  return (
    !!v &&
    typeof v === 'object' &&
    (v.constructor?.name === 'DataFrame' || v.constructor?.name === 'Series') &&
    Array.isArray(v.shape) &&
    Array.isArray(v.columns) &&
    Array.isArray(v.index)
  );
}

const isDefaultIndex = (index: Array<string | number>) => index.every((label, i) => label === i);

/** Table data for a danfo DataFrame or Series: the first rows, the index when it is not 0..n-1, dtypes as types. */
export function danfoTable(frame: DanfoLike, limit = DEFAULT_DISPLAY_ROWS): TableData {
  const total = frame.shape[0];
  const index = frame.index.slice(0, limit);
  const series = frame.$isSeries === true;
  const rows = (frame.values.slice(0, limit) as unknown[]).map((row) => (series ? [row] : (row as unknown[])));
  const columns = frame.columns.map((name, i) => ({ name: series && name === '0' ? 'value' : String(name), type: frame.dtypes[i] }));
  const showIndex = !isDefaultIndex(frame.index.slice(0, Math.min(total, limit)));
  return {
    columns: showIndex ? [{ name: '' }, ...columns] : columns,
    rows: showIndex ? rows.map((row, i) => [index[i], ...row]) : rows,
    totalRows: total,
    caption: series ? 'Series' : 'DataFrame',
  };
}
