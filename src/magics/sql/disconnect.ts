import { bundle } from '../../display/mime.js';
import { defineMagic } from '../magic.js';

export default defineMagic({
  name: 'disconnect',
  kind: 'line',
  summary: 'Close a connection made with %connect',
  args: { positionals: [{ name: 'name', description: 'the connection to close' }] },
  async run({ args }, ctx) {
    const { disconnect } = await import('../../connectors/registry.js');
    await disconnect(ctx.session, args.positionals[0]);
    return bundle({ 'text/plain': `Disconnected ${args.positionals[0]}.` });
  },
});
