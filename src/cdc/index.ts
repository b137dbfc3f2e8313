export { ingestChanges, type CaptureOptions } from './capture.js';
export { dropCapture } from './drop-capture.js';
export { ChangeLog, CHANGE_COLUMNS, STATE_COLUMNS } from './change-log.js';
export { formatLsn, parseLsn, type Lsn } from './lsn.js';
export { decodePgOutput, PgOutputError, UNCHANGED, type PgOutputMessage, type RelationMessage, type TupleValue } from './pgoutput.js';
export { readPosition, clearPosition, type CdcPosition } from './position-store.js';
export { ReplicationConnection, type ReplicationEvent } from './replication.js';
export { replicationNames, walLevelError, slotsExhaustedError } from './source-checks.js';
