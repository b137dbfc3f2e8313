/*
 * The fault catalogue's shape: a group is one shared fixture (usually one real kernel) and a table of cases;
 * each case injects one fault and returns what the user saw. After every case the group checks that the
 * kernel is alive, that state defined before the case is intact, that no stored data changed and that no
 * planted secret shows anywhere (outputs, kernel log, history file, files written).
 */
import { findSecrets } from './secrets.js';

/** The fixture a group's cases run against, and the checks made after each of them. */
export interface FaultFixture {
  /** The kernel (or server) still answers. */
  alive(): Promise<boolean>;
  /** State defined before the cases (a variable, a connection) still has its value. */
  stateIntact(): Promise<boolean>;
  /** A digest of the stored data the cases must not change (files, tables). */
  dataDigest(): Promise<string>;
  /** Text a secret could leak into besides the case's own output: kernel logs, history, saved files. */
  leakSurfaces(): Promise<string>;
  close(): Promise<void>;
}

export interface FaultCase<F extends FaultFixture> {
  name: string;
  /** What the user must be told (or what must happen): the problem and what to do. */
  expected: string;
  /** Matches the observed text when the case behaved as expected. */
  match: RegExp;
  /** Injects the fault; returns everything the user saw (error text, outputs, HTTP bodies, exit codes). */
  run(fixture: F): Promise<string>;
  /** Cases that change stored data on purpose (a successful load after the fault) re-take the digest after. */
  changesData?: boolean;
  timeoutMs?: number;
}

export interface FaultGroup<F extends FaultFixture> {
  name: string;
  open(): Promise<F>;
  cases: Array<FaultCase<F>>;
}

/** One line of the catalogue's table. */
export interface FaultRow {
  group: string;
  name: string;
  expected: string;
  observed: string;
  asExpected: boolean;
  alive: boolean;
  stateIntact: boolean;
  dataIntact: boolean;
  secretFree: boolean;
  passed: boolean;
}

const withTimeout = <T>(work: Promise<T>, ms: number, what: string) =>
  Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms).unref())]);

/** Runs one case and every after-check; never throws (a failure is a row with `passed: false`). */
export async function runCase<F extends FaultFixture>(group: string, fixture: F, fault: FaultCase<F>): Promise<FaultRow> {
  const before = await fixture.dataDigest();
  let observed: string;
  try {
    observed = await withTimeout(fault.run(fixture), fault.timeoutMs ?? 30_000, 'the case');
  } catch (error) {
    observed = `case failed: ${(error as Error).stack ?? error}`;
  }
  const alive = await withTimeout(fixture.alive(), 20_000, 'alive').catch(() => false);
  const stateIntact = alive && (await withTimeout(fixture.stateIntact(), 20_000, 'state').catch(() => false));
  const dataIntact = fault.changesData || before === (await fixture.dataDigest());
  const leaks = findSecrets(observed + '\n' + (await fixture.leakSurfaces()));
  const asExpected = fault.match.test(observed);
  const row = { group, name: fault.name, expected: fault.expected, observed: leaks.length ? `${observed}\nLEAKED: ${leaks.join(', ')}` : observed };
  return { ...row, asExpected, alive, stateIntact, dataIntact, secretFree: leaks.length === 0, passed: asExpected && alive && stateIntact && dataIntact && leaks.length === 0 };
}

/** Opens the group's fixture, runs every case in order, closes it. */
export async function runGroup<F extends FaultFixture>(group: FaultGroup<F>, onRow: (row: FaultRow) => void = () => undefined): Promise<FaultRow[]> {
  const fixture = await group.open();
  const rows: FaultRow[] = [];
  try {
    for (const fault of group.cases) {
      const row = await runCase(group.name, fixture, fault);
      rows.push(row);
      onRow(row);
    }
  } finally {
    await fixture.close();
  }
  return rows;
}
