import { comparableType, type ColumnSchema } from './model.js';
import type { SchemaChange } from './diff.js';
import { similarity } from './similarity.js';
import { typeChange } from './type-compat.js';
import { parseType } from './type-name.js';

// A dropped and an added column that sit at the same place with the same (or a widened) type are likely one
// column renamed; name similarity adds to the evidence.
function renameScore(removed: ColumnSchema, added: ColumnSchema): number {
  const [from, to] = [comparableType(removed), comparableType(added)];
  const verdict = typeChange(from, to);
  if (!verdict.compatible) return 0;
  // Anything fits in text, so a new text column is no evidence of a rename.
  let score = from === to ? 2 : parseType(to).base === 'VARCHAR' ? 0 : 1;
  const distance = Math.abs(removed.position - added.position);
  score += distance === 0 ? 2 : distance === 1 ? 1 : 0;
  if (similarity(removed.name, added.name) >= 0.5) score += 1;
  return score;
}

const RENAME_THRESHOLD = 3;

/** Pairs dropped and added columns that are likely one column renamed, best evidence first. */
export function pairRenames(removed: ColumnSchema[], added: ColumnSchema[]): Array<[ColumnSchema, ColumnSchema]> {
  const candidates = removed
    .flatMap((r) => added.map((a) => ({ r, a, score: renameScore(r, a) })))
    .filter((c) => c.score >= RENAME_THRESHOLD)
    .sort((p, q) => q.score - p.score);
  const pairs: Array<[ColumnSchema, ColumnSchema]> = [];
  const used = new Set<ColumnSchema>();
  for (const { r, a } of candidates) {
    if (used.has(r) || used.has(a)) continue;
    used.add(r).add(a);
    pairs.push([r, a]);
  }
  return pairs;
}

/** Indexes of one longest increasing subsequence of `values`. */
function longestIncreasing(values: number[]): Set<number> {
  const length = values.map(() => 1);
  const previous = values.map(() => -1);
  for (let i = 0; i < values.length; i++) {
    for (let j = 0; j < i; j++) {
      if (values[j] < values[i] && length[j] + 1 > length[i]) {
        length[i] = length[j] + 1;
        previous[i] = j;
      }
    }
  }
  const kept = new Set<number>();
  for (let i = length.indexOf(Math.max(0, ...length)); i >= 0; i = previous[i]) kept.add(i);
  return kept;
}

/** The columns that moved: those outside the longest run of columns that kept their relative order. */
export function movedColumns(matched: Array<[ColumnSchema, ColumnSchema]>): SchemaChange[] {
  const byOld = [...matched].sort((p, q) => p[0].position - q[0].position);
  const inOrder = longestIncreasing(byOld.map(([, b]) => b.position));
  return byOld
    .filter((_, i) => !inOrder.has(i))
    .map(([a, b]) => ({
      kind: 'moved' as const,
      column: a.name,
      before: String(a.position),
      after: String(b.position),
      breaking: false,
      reason: 'column order changed; readers that go by position must follow',
    }));
}
