import type { DuckDBConnection } from '@duckdb/node-api';
import { join } from 'node:path';
import { DataKernelError } from '../errors.js';
import { quoteLiteral } from '../sql/identifiers.js';
import type { ScorePart } from './protocol.js';

// Parts per worker: enough that a fast worker takes over a slow one's share and a retried part is small,
// few enough that each part's fixed cost (a COPY, a file) stays small.
const PARTS_PER_WORKER = 4;

/**
 * Splits Parquet files (a path or glob) into parts of whole row groups, as DuckDB's parquet_metadata() lists
 * them, about total / (workers * 4) rows each; part i is written to `outputDir/part-0000i.parquet`.
 */
export async function planParts(connection: DuckDBConnection, pattern: string, workers: number, outputDir: string): Promise<ScorePart[]> {
  let groups: { file: string; rows: number }[];
  try {
    const reader = await connection.runAndReadAll(
      `SELECT file_name, row_group_id, any_value(row_group_num_rows) AS num_rows FROM parquet_metadata(${quoteLiteral(pattern)}) GROUP BY ALL ORDER BY file_name, row_group_id`,
    );
    groups = reader.getRows().map(([file, , rows]) => ({ file: String(file), rows: Number(rows) }));
  } catch (error) {
    throw new DataKernelError(`Cannot read the Parquet files ${pattern}: ${(error as Error).message.split('\n')[0]}`, 'Parallel prediction reads Parquet files directly: pass --data a .parquet path or glob (e.g. data/big/*.parquet).', { cause: error });
  }
  if (groups.length === 0) throw new DataKernelError(`No Parquet data matches ${pattern}`, 'Check the path or glob (relative paths start from the notebook folder).');
  const total = groups.reduce((sum, g) => sum + g.rows, 0);
  const target = Math.max(1, Math.ceil(total / (workers * PARTS_PER_WORKER)));
  const parts: ScorePart[] = [];
  let current: Omit<ScorePart, 'index' | 'output'> | undefined;
  const close = () => {
    if (current && current.rows > 0) {
      const index = parts.length;
      parts.push({ ...current, index, output: join(outputDir, `part-${String(index).padStart(5, '0')}.parquet`) });
    }
    current = undefined;
  };
  let fileRow = 0;
  for (const [i, group] of groups.entries()) {
    if (i > 0 && groups[i - 1].file !== group.file) {
      close();
      fileRow = 0;
    }
    current ??= { file: group.file, firstRow: fileRow, rows: 0 };
    current.rows += group.rows;
    fileRow += group.rows;
    if (current.rows >= target) close();
  }
  close();
  return parts;
}
