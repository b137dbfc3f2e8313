import { randomUUID } from 'node:crypto';
import { stringify } from 'yaml';
import { comparableType, type TableSchema } from '../model.js';
import { logicalTypeOf } from './plan.js';

/** The object name a target suggests: its last name part, without a file extension. */
export function objectName(target: string): string {
  const last = target.split(/[/\\]/).filter(Boolean).at(-1) ?? target;
  const file = /^(.*?)\.(parquet|pq|csv|tsv|txt|json|jsonl|ndjson)(\.gz|\.zst)?$/i.exec(last);
  return (file ? file[1] : last.split('.').at(-1)) || 'data';
}

/**
 * A starter ODCS v3 contract for a schema: each column with its logical and physical type, required where the
 * source says NOT NULL, keys, and a rowCount rule; edit it to say what consumers may rely on.
 */
export function starterContract(schema: TableSchema, rowCount?: number): string {
  const name = objectName(schema.target);
  const keys = schema.columns.filter((c) => c.key === 'primary');
  const contract = {
    apiVersion: 'v3.0.2',
    kind: 'DataContract',
    id: randomUUID(),
    name,
    version: '0.1.0',
    status: 'draft',
    description: { purpose: `Starter contract for ${schema.target}, written by datakernel from its schema on ${new Date().toISOString().slice(0, 10)}.` },
    schema: [
      {
        name,
        physicalName: schema.target,
        physicalType: schema.kind === 'view' ? 'view' : schema.kind === 'file' ? 'file' : 'table',
        logicalType: 'object',
        properties: schema.columns.map((c) => ({
          name: c.name,
          logicalType: logicalTypeOf(c.duckdbType),
          physicalType: comparableType(c),
          ...(c.nullable ? {} : { required: true }),
          ...(c.key === 'primary' ? { primaryKey: true, primaryKeyPosition: keys.indexOf(c) + 1 } : {}),
          ...(c.key === 'unique' ? { unique: true } : {}),
        })),
        quality: [{ metric: 'rowCount', mustBeGreaterThan: 0, description: rowCount === undefined ? 'The table is not empty.' : `The table is not empty (it had ${rowCount} row${rowCount === 1 ? '' : 's'} when this contract was written).` }],
      },
    ],
  };
  return stringify(contract, { lineWidth: 0 });
}
