export { ingest, type IngestOptions } from './ingest.js';
export { IngestResult, IngestBlockedError, type IngestSummary } from './result.js';
export { ParquetDestination, type WriteMode } from './destination.js';
export { readCursor, saveCursor, clearCursor, type IngestCursor } from './cursor-store.js';
