import { DataKernelError } from '../errors.js';
import type { Session } from '../session/session.js';
import { tempName } from '../sql/identifiers.js';
import { isTableLike, type VariableScope } from '../sql/register-value.js';
import { resolveRelation } from '../sql/relation.js';

/** Where variable names in `--data` are looked up (a MagicContext fits: `{ has: ctx.hasVariable, get: ctx.getVariable }`). */
export type Variables = VariableScope;

/**
 * The SQL relation in the embedded DuckDB for a data source: what `--data SOURCE` names (variable, table, connection
 * table, file), or the data itself (records, apache-arrow Table, danfo DataFrame, QueryResult).
 */
export async function dataRelation(session: Session, source: string | object, variables?: Variables, cwd?: string): Promise<string> {
  if (typeof source === 'string') return resolveRelation(session, source, variables, cwd);
  if (!isTableLike(source)) {
    throw new DataKernelError('Cannot read rows from the data given', 'Pass records, an apache-arrow Table, a danfo DataFrame, a QueryResult, or a source name.');
  }
  const name = tempName('ml_data');
  return resolveRelation(session, name, { has: (n) => n === name, get: () => source }, cwd);
}
