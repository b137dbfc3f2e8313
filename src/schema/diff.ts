import { DataKernelError } from '../errors.js';
import { JUPYTER_DISPLAY, type MimeBundle } from '../display/mime.js';
import { tableBundle, type TableData } from '../display/table.js';
import { comparableType, type ColumnSchema, type TableSchema } from './model.js';
import { movedColumns, pairRenames } from './column-matching.js';
import { typeChange } from './type-compat.js';

/** What happened to a column between two schemas. */
export type ChangeKind = 'added' | 'removed' | 'renamed' | 'type' | 'nullability' | 'key' | 'moved';

/** One classified difference between two schemas. */
export interface SchemaChange {
  kind: ChangeKind;
  /** The column's name in the first schema (in the second for `added`). */
  column: string;
  /** The new name, for `renamed`. */
  renamedTo?: string;
  /** The attribute before and after: a type, `NULL`/`NOT NULL`, a key, a position. */
  before?: string;
  after?: string;
  breaking: boolean;
  reason: string;
}

/** When a diff should fail the cell: on breaking changes, or on any change. */
export type FailOn = 'breaking' | 'change';

const nullText = (nullable: boolean) => (nullable ? 'NULL' : 'NOT NULL');

/** A one-line description of a change, e.g. `type of amount: INTEGER -> SMALLINT`. */
export function describeChange(change: SchemaChange): string {
  switch (change.kind) {
    case 'added':
      return `added ${change.column} ${change.after ?? ''}`.trimEnd();
    case 'removed':
      return `removed ${change.column}`;
    case 'renamed':
      return `renamed ${change.column} -> ${change.renamedTo}`;
    default:
      return `${change.kind} of ${change.column}: ${change.before ?? '-'} -> ${change.after ?? '-'}`;
  }
}

/**
 * The classified differences from one schema to another (`from` is what exists or came first, `to` what it
 * becomes). A cell tests `.compatible` / `.breaking` / `.changes`; displayed, it is a table.
 */
export class SchemaDiff {
  constructor(
    readonly from: TableSchema,
    readonly to: TableSchema,
    readonly changes: SchemaChange[],
  ) {}

  /** True when at least one change breaks consumers or data of the first schema. */
  get breaking(): boolean {
    return this.changes.some((c) => c.breaking);
  }

  /** True when no change is breaking (identical schemas included). */
  get compatible(): boolean {
    return !this.breaking;
  }

  /** True when the schemas do not differ at all. */
  get identical(): boolean {
    return this.changes.length === 0;
  }

  /** The breaking changes only. */
  get breakingChanges(): SchemaChange[] {
    return this.changes.filter((c) => c.breaking);
  }

  /** One line: how many changes, how many breaking. */
  summary(): string {
    const { from, to } = this;
    if (this.identical) return `${from.target} -> ${to.target}: schemas match (${to.columns.length} columns)`;
    const count = this.changes.length;
    const broken = this.breakingChanges.length;
    return `${from.target} -> ${to.target}: ${count} change${count === 1 ? '' : 's'}, ${broken ? `${broken} breaking` : 'all compatible'}`;
  }

  /** Throws a DataKernelError when the diff has breaking changes (`breaking`) or any change (`change`). */
  failOn(level: FailOn): this {
    const failing = level === 'breaking' ? this.breakingChanges : this.changes;
    if (failing.length) {
      throw new DataKernelError(
        `${this.summary()}: ${failing.map(describeChange).join('; ')}`,
        level === 'breaking'
          ? 'Make the change compatible (widen instead of narrow, add columns as nullable, keep dropped columns), or accept it explicitly.'
          : 'Review the changes; take a new snapshot once they are intended.',
      );
    }
    return this;
  }

  /** Table data of the changes, for display and reports. */
  table(): TableData {
    return {
      caption: this.summary(),
      columns: [{ name: 'change' }, { name: 'column' }, { name: 'before' }, { name: 'after' }, { name: 'verdict' }, { name: 'reason' }],
      rows: this.changes.map((c) => [
        c.kind,
        c.renamedTo ? `${c.column} -> ${c.renamedTo}` : c.column,
        c.before ?? '',
        c.after ?? '',
        c.breaking ? 'BREAKING' : 'compatible',
        c.reason,
      ]),
    };
  }

  toJSON() {
    return { from: this.from.target, to: this.to.target, compatible: this.compatible, changes: this.changes };
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return this.identical ? { 'text/plain': this.summary() } : tableBundle(this.table());
  }
}

function columnChanges(a: ColumnSchema, b: ColumnSchema): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const before = comparableType(a);
  const after = comparableType(b);
  if (before !== after) {
    const verdict = typeChange(before, after);
    changes.push({ kind: 'type', column: a.name, before, after, breaking: !verdict.compatible, reason: verdict.reason });
  }
  if (a.nullable !== b.nullable) {
    changes.push({
      kind: 'nullability',
      column: a.name,
      before: nullText(a.nullable),
      after: nullText(b.nullable),
      breaking: !b.nullable,
      reason: b.nullable ? 'NULLs are now allowed; readers must handle them' : 'existing NULLs violate the new NOT NULL',
    });
  }
  if (a.key !== b.key) {
    changes.push({
      kind: 'key',
      column: a.name,
      before: a.key ?? 'none',
      after: b.key ?? 'none',
      breaking: b.key !== undefined,
      reason: b.key ? `existing duplicates or NULLs violate the new ${b.key} key` : 'values are no longer guaranteed unique',
    });
  }
  return changes;
}

/** How to compare. */
export interface DiffOptions {
  /** Known not to be one column renamed (e.g. both fields seen in the same stream messages). */
  notRenamed?: (from: string, to: string) => boolean;
}

/**
 * Compares two schemas: columns added, removed, renamed (suggested by position and type), type changed,
 * nullability changed, keys changed, reordered; each classified compatible or breaking, with the reason.
 * Breaking means data or consumers of `from` do not fit `to`: narrowing, dropped columns, a new NOT NULL
 * column, NULL to NOT NULL.
 */
export function diffSchemas(from: TableSchema, to: TableSchema, options: DiffOptions = {}): SchemaDiff {
  const changes: SchemaChange[] = [];
  const unmatched = new Set(to.columns);
  const matched: Array<[ColumnSchema, ColumnSchema]> = [];
  const removed: ColumnSchema[] = [];
  for (const a of from.columns) {
    const b = to.columns.find((c) => unmatched.has(c) && c.name === a.name) ?? to.columns.find((c) => unmatched.has(c) && c.name.toLowerCase() === a.name.toLowerCase());
    if (!b) {
      removed.push(a);
      continue;
    }
    unmatched.delete(b);
    matched.push([a, b]);
    if (a.name !== b.name) {
      changes.push({ kind: 'renamed', column: a.name, renamedTo: b.name, breaking: false, reason: 'only the letter case changes; SQL matches names case-insensitively' });
    }
    changes.push(...columnChanges(a, b));
  }
  const renames = pairRenames(removed, [...unmatched]).filter(([a, b]) => !options.notRenamed?.(a.name, b.name));
  for (const [a, b] of renames) {
    unmatched.delete(b);
    removed.splice(removed.indexOf(a), 1);
    changes.push({
      kind: 'renamed',
      column: a.name,
      renamedTo: b.name,
      before: comparableType(a),
      after: comparableType(b),
      breaking: true,
      reason: `suggested: same place and a type ${a.name} fits; readers of ${a.name} break`,
    });
    changes.push(...columnChanges(a, b).filter((c) => c.kind !== 'type'));
  }
  for (const a of removed) {
    changes.push({ kind: 'removed', column: a.name, before: comparableType(a), breaking: true, reason: 'dropped column: readers of it break and its data is lost' });
  }
  for (const b of unmatched) {
    changes.push({
      kind: 'added',
      column: b.name,
      after: `${comparableType(b)}${b.nullable ? '' : ' NOT NULL'}`,
      breaking: !b.nullable,
      reason: b.nullable ? 'new nullable column: existing rows read as NULL' : 'new NOT NULL column: existing rows have no value for it',
    });
  }
  changes.push(...movedColumns([...matched, ...renames]));
  return new SchemaDiff(from, to, changes);
}
