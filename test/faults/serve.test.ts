import { serveFaults } from './cases/serve.js';
import { describeFaults } from './harness/vitest-group.js';

describeFaults(serveFaults);
