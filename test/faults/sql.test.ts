import { sqlFaults } from './cases/sql.js';
import { describeFaults } from './harness/vitest-group.js';

describeFaults(sqlFaults);
