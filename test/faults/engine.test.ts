import { engineFaults } from './cases/engine.js';
import { describeFaults } from './harness/vitest-group.js';

describeFaults(engineFaults);
