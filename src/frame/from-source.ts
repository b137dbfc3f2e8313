import { currentSession, type Session } from '../session/session.js';
import { QueryResult } from '../sql/result.js';
import { Frame } from './frame.js';

/**
 * A lazy frame over a query result (`%%sql top <<` gives one), a DuckDB table, a connection table
 * (NAME.schema.table) or a .parquet/.csv/.json path or glob: `const f = await frame('data/orders.parquet')`.
 */
export async function frame(source: string | QueryResult, options: { session?: Session } = {}): Promise<Frame> {
  if (source instanceof QueryResult) return Frame.of(source);
  return Frame.from(options.session ?? currentSession(), source);
}
