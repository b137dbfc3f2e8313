import type { DataType, Table, Vector } from 'apache-arrow';

type Arrow = typeof import('apache-arrow');

/** The Arrow type for a DuckDB column type; undefined lets Arrow infer it from the values (lists, structs). */
function arrowType(arrow: Arrow, sqlType: string): DataType | undefined {
  const t = sqlType.toUpperCase();
  if (t === 'BOOLEAN') return new arrow.Bool();
  if (t === 'TINYINT') return new arrow.Int8();
  if (t === 'SMALLINT') return new arrow.Int16();
  if (t === 'INTEGER') return new arrow.Int32();
  if (t === 'BIGINT') return new arrow.Int64();
  if (t === 'UTINYINT') return new arrow.Uint8();
  if (t === 'USMALLINT') return new arrow.Uint16();
  if (t === 'UINTEGER') return new arrow.Uint32();
  if (t === 'UBIGINT') return new arrow.Uint64();
  if (t === 'FLOAT') return new arrow.Float32();
  if (t === 'DOUBLE' || t.startsWith('DECIMAL')) return new arrow.Float64();
  if (t === 'VARCHAR' || t === 'UUID' || t === 'JSON' || t === 'HUGEINT' || t === 'INTERVAL' || t.startsWith('TIME ')) return new arrow.Utf8();
  if (t === 'TIME') return new arrow.Utf8();
  if (t === 'BLOB') return new arrow.Binary();
  if (t === 'DATE') return new arrow.DateMillisecond();
  if (t === 'TIMESTAMP WITH TIME ZONE') return new arrow.TimestampMillisecond('UTC');
  if (t.startsWith('TIMESTAMP')) return new arrow.TimestampMillisecond();
  return undefined;
}

const textual = (value: unknown) => (value === null || value === undefined || typeof value === 'string' ? value : JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));

/** Builds an apache-arrow Table from columns of JS values (as DuckDB's JS converter returns them). */
export async function arrowTable(columns: { name: string; type: string; values: unknown[] }[]): Promise<Table> {
  const arrow = await import('apache-arrow');
  const vectors: Record<string, Vector> = {};
  for (const column of columns) {
    const type = arrowType(arrow, column.type);
    if (type && arrow.DataType.isUtf8(type)) vectors[column.name] = arrow.vectorFromArray(column.values.map(textual), type);
    else if (type) vectors[column.name] = arrow.vectorFromArray(column.values, type);
    else vectors[column.name] = arrow.vectorFromArray(column.values);
  }
  return new arrow.Table(vectors);
}
