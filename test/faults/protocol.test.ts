import { protocolFaults } from './cases/protocol.js';
import { describeFaults } from './harness/vitest-group.js';

describeFaults(protocolFaults);
