import type { Session } from '../session/session.js';
import { RuntimeWorkers } from './runtime-workers.js';

/** The session's runtime workers, stopped when the session closes. */
export const sessionWorkers = (session: Session): RuntimeWorkers =>
  session.service('runtimes.workers', () => new RuntimeWorkers(), (workers) => workers.close());
