export { Session, currentSession } from './session.js';
