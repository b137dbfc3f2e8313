import { bundle } from '../../display/mime.js';
import { tableBundle } from '../../display/table.js';
import { defineMagic, type Magic } from '../magic.js';
import { loadMagic, magicNames, type MagicName } from '../registry.js';

const usageName = (magic: Magic) => (magic.kind === 'cell' ? `%%${magic.name}` : magic.kind === 'both' ? `%${magic.name}, %%${magic.name}` : `%${magic.name}`);

// Typed explicitly: this module reads the registry that imports it, which TypeScript cannot infer through.
const lsmagic: Magic = defineMagic({
  name: 'lsmagic',
  kind: 'line',
  summary: 'List all magics with what they do',
  description: 'One row per magic: how to write it (%line, %%cell or both), its kind and its summary. `%name --help` or `%name?` shows one in full.',
  args: {},
  async run() {
    const rows: string[][] = await Promise.all(
      magicNames().map(async (name: string): Promise<string[]> => {
        try {
          const magic = await loadMagic(name as MagicName);
          return [usageName(magic), magic.kind, magic.summary];
        } catch (error) {
          // One broken magic module must not hide the others.
          return [`%${name}`, '?', `(cannot load: ${(error as Error).message.split('\n')[0]})`];
        }
      }),
    );
    return bundle(tableBundle({ columns: [{ name: 'Magic' }, { name: 'Kind' }, { name: 'Summary' }], rows, caption: `${rows.length} magics` }));
  },
});

export default lsmagic;
