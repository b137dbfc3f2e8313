import { UsageError } from '../../errors.js';
import { defineMagic } from '../magic.js';

function positive(value: unknown, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`%watch: ${option} takes a positive number, not ${String(value)}`, `e.g. ${option} 10`);
  return n;
}

export default defineMagic({
  name: 'watch',
  kind: 'line',
  summary: 'Follow an event stream live: message rate, inferred schema, each new or changed field flagged',
  description: [
    '`%watch NAME` follows the stream connection NAME (%connect NAME nats://... --stream S) from its newest message',
    'on, in one display updated in place: messages and rate, the schema inferred from what arrived, each field that',
    'appears or changes flagged at the message where it did (compatible or breaking, the rules of %schema diff), and',
    'malformed messages (not JSON objects, or with a key given twice) counted and sampled. It runs until interrupted,',
    'or for CI until --max-messages N or --until-idle SECONDS without a message; the result is the report (.changes,',
    '.malformed).',
  ].join('\n'),
  args: {
    positionals: [{ name: 'stream', description: 'a stream connection name' }],
    options: {
      'max-messages': { type: 'string', valueName: 'N', description: 'stop after N messages' },
      'until-idle': { type: 'string', valueName: 'SECONDS', description: 'stop after SECONDS without a message' },
      'from-start': { type: 'boolean', description: 'begin with the retained messages, not only new ones' },
    },
  },
  async run({ args }, ctx) {
    const { getConnection } = await import('../../connectors/registry.js');
    const { watchStream } = await import('../../streams/watch.js');
    const name = args.positionals[0];
    if (!name) throw new UsageError('%watch needs a stream connection', 'Usage: %watch NAME [--max-messages N] [--until-idle SECONDS]');
    const connector = getConnection(ctx.session, name);
    if (connector.kind !== 'stream') throw new UsageError(`%watch follows event streams; ${name} is a ${connector.kind} connection`, 'Connect a stream: %connect events nats://127.0.0.1:4222 --stream ORDERS');
    const { messages } = connector as import('../../connectors/stream.js').StreamConnector;
    return watchStream(ctx.session, name, messages.source, {
      maxMessages: positive(args.options['max-messages'], '--max-messages'),
      untilIdle: positive(args.options['until-idle'], '--until-idle'),
      fromStart: args.options['from-start'] === true,
    });
  },
});
