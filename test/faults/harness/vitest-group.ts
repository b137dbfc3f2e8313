import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCase, type FaultFixture, type FaultGroup } from './fault-case.js';

/** The group's cases as vitest tests on one shared fixture; a failure message is the table row. */
export function describeFaults<F extends FaultFixture>(group: FaultGroup<F>): void {
  describe(`faults: ${group.name}`, () => {
    let fixture: F;
    beforeAll(async () => {
      fixture = await group.open();
    }, 180_000);
    afterAll(() => fixture?.close());
    for (const fault of group.cases) {
      it(fault.name, async () => {
        const row = await runCase(group.name, fixture, fault);
        const failed = Object.entries({ asExpected: row.asExpected, alive: row.alive, stateIntact: row.stateIntact, dataIntact: row.dataIntact, secretFree: row.secretFree })
          .filter(([, ok]) => !ok)
          .map(([check]) => check);
        expect(failed, `expected: ${fault.expected} (${fault.match})\nobserved: ${row.observed}`).toEqual([]);
      }, (fault.timeoutMs ?? 30_000) + 60_000);
    }
  });
}
