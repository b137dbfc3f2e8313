export { ingest, type IngestOptions } from './ingest.js';
export { IngestResult, IngestBlockedError, type IngestSummary, type ChangeCounts } from './result.js';
export { asWritten, checkSchema } from './schema-gate.js';
export { ParquetDestination, type WriteMode } from './destination.js';
export { readCursor, saveCursor, clearCursor, type IngestCursor } from './cursor-store.js';
export { ingestStream, partRange, type StreamIngestOptions } from './stream-ingest.js';
