/*
 * `npm run faults`: runs the fault catalogue (the same cases vitest runs from test/faults/*.test.ts) and prints
 * its table: case, expected, observed, kernel alive, state and data intact, secrets absent; then the totals.
 * `npm run faults -- engine sql` runs only those groups; `--full` prints each observed text whole. Exits non-zero
 * if any case failed.
 */
import { faultGroups } from './groups.js';
import { runGroup, type FaultRow } from './harness/fault-case.js';

const full = process.argv.includes('--full');
const wanted = process.argv.slice(2).filter((arg) => arg !== '--full');
// FAULTS_ONLY=text runs only the cases whose name contains it (while working on one).
const only = process.env.FAULTS_ONLY;
const groups = faultGroups
  .filter((g) => wanted.length === 0 || wanted.includes(g.name))
  .map((g) => (only ? { ...g, cases: g.cases.filter((c) => c.name.includes(only)) } : g));
const cut = (text: string, width: number) => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > width ? `${line.slice(0, width - 1)}…` : line.padEnd(width);
};
const yes = (ok: boolean) => (ok ? 'yes' : 'NO ');
const rows: FaultRow[] = [];
const started = Date.now();
console.log(`${'group'.padEnd(9)} ${'case'.padEnd(44)} ${'expected'.padEnd(46)} ${'observed'.padEnd(46)} alive state data secret result`);
for (const group of groups) {
  await runGroup(group, (row) => {
    rows.push(row);
    console.log(
      `${row.group.padEnd(9)} ${cut(row.name, 44)} ${cut(row.expected, 46)} ${cut(row.observed, 46)} ${yes(row.alive)}   ${yes(row.stateIntact)}   ${yes(row.dataIntact)}  ${yes(row.secretFree)}    ${row.passed ? 'pass' : 'FAIL'}`,
    );
    if (full) console.log(`  ${row.observed.replace(/\n/g, '\n  ')}`);
  }).catch((error) => {
    console.log(`${group.name.padEnd(9)} could not open its fixture: ${(error as Error).message}`);
    rows.push({ group: group.name, name: '(fixture)', expected: '', observed: String(error), asExpected: false, alive: false, stateIntact: false, dataIntact: false, secretFree: true, passed: false });
  });
}
const count = (check: (row: FaultRow) => boolean) => rows.filter(check).length;
console.log(
  `\ntotals: ${rows.length} cases, ${count((r) => r.passed)} passed, ${count((r) => !r.passed)} failed; ` +
    `as expected ${count((r) => r.asExpected)}, kernel alive ${count((r) => r.alive)}, state intact ${count((r) => r.stateIntact)}, ` +
    `data intact ${count((r) => r.dataIntact)}, no secret shown ${count((r) => r.secretFree)} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
);
for (const row of rows.filter((r) => !r.passed)) console.log(`\nFAILED ${row.group}: ${row.name}\n  expected: ${row.expected}\n  observed: ${row.observed}`);
process.exit(count((r) => !r.passed) ? 1 : 0);
