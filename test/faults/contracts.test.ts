import { contractFaults } from './cases/contracts.js';
import { describeFaults } from './harness/vitest-group.js';

describeFaults(contractFaults);
