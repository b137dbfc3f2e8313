// Runs one stream load in its own process, so a test can SIGKILL it mid-load: node ingest-child.ts DIR STREAM
import { connect } from '../../src/connectors/registry.js';
import type { StreamConnector } from '../../src/connectors/stream.js';
import { ingestStream } from '../../src/ingest/stream-ingest.js';
import { Session } from '../../src/session/session.js';

const [dir, stream] = process.argv.slice(2);
const session = new Session(dir);
const events = (await connect(session, 'events', 'nats://127.0.0.1:4222', { stream })) as StreamConnector;
await ingestStream(session, events, { into: 'lake/events', flushMessages: 500 });
await session.close();
