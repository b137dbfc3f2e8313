import type { Session } from '../session/session.js';
import { loadConnectionTables } from '../sql/connection-tables.js';
import { resolveRelation } from '../sql/relation.js';
import type { VariableScope } from '../sql/register-value.js';
import { tableReferences } from '../sql/sql-text.js';

/** Where a source name is looked up: the notebook's variables and working directory. */
export interface SourceScope {
  /** The project (catalog, DuckDB). @default the engine's session (currentSession()) */
  session?: Session;
  variables?: VariableScope;
  cwd?: string;
}

const QUERY = /^\s*(select|with|from|values)\b/i;

/**
 * The SQL relation of a feature view's source: a query becomes a subquery (its connection tables loaded into
 * DuckDB first, as %%sql does), anything else goes through resolveRelation (tables, files, connection tables,
 * variables).
 */
export async function sourceRelation(session: Session, source: string, scope: SourceScope = {}): Promise<string> {
  if (QUERY.test(source)) {
    const query = source.trim().replace(/;\s*$/, '');
    await loadConnectionTables(session, tableReferences(query));
    return `(${query})`;
  }
  return resolveRelation(session, source, scope.variables, scope.cwd);
}
