import { resolve } from 'node:path';
import { DataKernelError } from '../errors.js';
import type { Session } from '../session/session.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import type { ContractFile } from './contract/model.js';
import { readContract } from './contract/parse.js';
import { planChecks } from './contract/plan.js';
import { ContractReport } from './contract/report.js';
import { runChecks } from './contract/run.js';
import { objectName } from './contract/starter.js';
import { resolveTarget, type TargetOptions, type TargetSource } from './target.js';

/** Options of a contract check. */
export interface CheckOptions extends TargetOptions {
  /** The contract's schema object to check against, by name or physicalName. @default the only one, or the one named like the target */
  object?: string;
  /** Failing rows shown per failed check. @default 5 */
  sample?: number;
}

/** The index of the contract's schema object a target is checked against. */
function pickObject(file: ContractFile, target: string, wanted?: string): number {
  const objects = file.contract.schema ?? [];
  if (!objects.length) throw new DataKernelError(`Contract ${file.file} has no schema objects`, 'Add schema: with one object per table, each with its properties.');
  const names = objects.map((o) => `${o.name}${o.physicalName ? ` (${o.physicalName})` : ''}`).join(', ');
  const matches = (name: string) => objects.findIndex((o) => [o.name, o.physicalName].some((n) => n?.toLowerCase() === name.toLowerCase()));
  if (wanted) {
    const index = matches(wanted);
    if (index < 0) throw new DataKernelError(`Contract ${file.file} has no schema object ${wanted}`, `Objects: ${names}`);
    return index;
  }
  if (objects.length === 1) return 0;
  const byTarget = [target, objectName(target)].map(matches).find((i) => i >= 0);
  if (byTarget === undefined) throw new DataKernelError(`Contract ${file.file} has several schema objects and none is named like ${target}`, `Choose one with --object NAME. Objects: ${names}`);
  return byTarget;
}

/**
 * Checks a target against an ODCS v3 contract (YAML or JSON): its schema (columns, types, required, unique, keys)
 * and its quality rules (library metrics, SQL, dbt and Great Expectations tests), all as SQL in DuckDB.
 */
export async function checkContract(session: Session, source: TargetSource, contractPath: string, options: CheckOptions = {}): Promise<ContractReport> {
  const cwd = options.cwd ?? session.projectDir;
  const file = readContract(resolve(cwd, contractPath), contractPath);
  const target = await resolveTarget(session, source, options);
  const index = pickObject(file, target.key, options.object);
  const schema = await target.schema();
  const relation = await target.relation();
  const checks = planChecks(file, index, schema, relation);
  const { connection } = await embeddedDuckDB(session);
  const results = await runChecks(connection, relation, checks, options.sample ?? 5);
  const contract = file.contract;
  return new ContractReport({ file: file.file, id: contract.id, version: contract.version, object: contract.schema![index].name, target: target.key }, results);
}
