import type { DuckDBConnection } from '@duckdb/node-api';
import { relationOf, type TableRef } from '../sql/column-writer.js';

// json_valid accepts an object with a key given twice, and DuckDB's JSON reader then stops with this error: which
// of the values is meant is not said, so such a message is malformed, counted and kept apart like the others.
const REPEATED_KEY = /has duplicate key/;

/**
 * Runs `typing`, a pass of the JSON reader over the valid messages of `raw` (see rawTableSql). When the reader
 * refuses one for a key given twice, every valid message with a key given twice in some object is marked not ok
 * and `typing` runs once more. Only then: finding them walks every value of every message.
 */
export async function withRepeatedKeysRejected<T>(connection: DuckDBConnection, raw: TableRef, typing: () => Promise<T>): Promise<T> {
  try {
    return await typing();
  } catch (error) {
    if (!REPEATED_KEY.test(String((error as Error)?.message))) throw error;
    const table = relationOf(raw);
    // json_tree gives array elements their index as key, so only object members can repeat one under a parent.
    const repeated = `SELECT DISTINCT r."partition" AS p, r.sequence AS s FROM ${table} r, json_tree(r.payload) t WHERE r.ok AND t.key IS NOT NULL GROUP BY r."partition", r.sequence, t.parent, t.key HAVING count(*) > 1`;
    await connection.run(`UPDATE ${table} AS m SET ok = false FROM (${repeated}) d WHERE m."partition" = d.p AND m.sequence = d.s`);
    return typing();
  }
}
