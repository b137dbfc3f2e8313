import { ingestFaults } from './cases/ingest.js';
import { describeFaults } from './harness/vitest-group.js';

describeFaults(ingestFaults);
