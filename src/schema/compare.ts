import type { Session } from '../session/session.js';
import { diffSchemas, type SchemaDiff } from './diff.js';
import { resolveTarget, type TargetOptions, type TargetSource } from './target.js';

/** Reads the schemas of two targets and classifies the changes from the first to the second. */
export async function compareSchemas(session: Session, from: TargetSource, to: TargetSource, options: TargetOptions = {}): Promise<SchemaDiff> {
  const [a, b] = await Promise.all([resolveTarget(session, from, options), resolveTarget(session, to, options)]);
  return diffSchemas(await a.schema(), await b.schema());
}
