import { connectorFaults } from './cases/connectors.js';
import { describeFaults } from './harness/vitest-group.js';

describeFaults(connectorFaults);
