export type { BrokerKind, ReadOptions, StreamInfo, StreamMessage, StreamSource } from './stream-source.js';
export { parseStreamUri, brokerOf, type StreamAddress, type StreamSelector } from './stream-uri.js';
export { openStream } from './open-stream.js';
export { StreamTable, ENVELOPE, type MalformedMessages } from './stream-table.js';
export { inferPayloadFields, type PayloadField } from './infer-schema.js';
export { schemaTimeline, StreamSchemaTimeline, type StreamSchemaChange } from './schema-timeline.js';
export { locateChanges } from './locate-changes.js';
export { watchStream, WatchReport, type WatchOptions } from './watch.js';
