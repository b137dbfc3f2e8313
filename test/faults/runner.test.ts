import { runnerFaults } from './cases/runner.js';
import { describeFaults } from './harness/vitest-group.js';

describeFaults(runnerFaults);
