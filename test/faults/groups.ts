import { connectorFaults } from './cases/connectors.js';
import { contractFaults } from './cases/contracts.js';
import { engineFaults } from './cases/engine.js';
import { ingestFaults } from './cases/ingest.js';
import { protocolFaults } from './cases/protocol.js';
import { runnerFaults } from './cases/runner.js';
import { serveFaults } from './cases/serve.js';
import { sqlFaults } from './cases/sql.js';
import type { FaultFixture, FaultGroup } from './harness/fault-case.js';

/** Every group of the catalogue, in the order `npm run faults` runs them. */
export const faultGroups: Array<FaultGroup<FaultFixture & any>> = [protocolFaults, engineFaults, sqlFaults, connectorFaults, contractFaults, ingestFaults, serveFaults, runnerFaults];
