import { bundle } from '../../display/mime.js';
import { recordsTable, tableBundle } from '../../display/table.js';
import { DataKernelError, UsageError } from '../../errors.js';
import { defineMagic, type MagicContext } from '../magic.js';

const USAGE = {
  build: '%index build SOURCE.COLUMN [--name NAME] [--metric cosine|l2|ip] [--key COL] [--m 16] [--ef-construction 200]',
  search: '%index search NAME --vector VAR [--k 10] [--ef 400] [--where SQL] [-o VAR]',
  list: '%index list',
  drop: '%index drop NAME',
} as const;

type Subcommand = keyof typeof USAGE;
const isSubcommand = (word: string | undefined): word is Subcommand => word !== undefined && Object.hasOwn(USAGE, word);

function whole(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new DataKernelError(`--${flag} needs a whole number >= 1, got ${value}`, `e.g. --${flag} 10`);
  return n;
}

/** The query vector: a variable holding numbers, or a JSON list. */
function queryVector(text: unknown, ctx: MagicContext): number[] {
  if (typeof text !== 'string') throw new UsageError('%index search needs --vector VAR (a variable holding the query vector) or a JSON list', `Usage: ${USAGE.search}`);
  if (ctx.hasVariable(text)) return Array.from(ctx.getVariable(text) as ArrayLike<number>);
  try {
    return JSON.parse(text) as number[];
  } catch {
    throw new DataKernelError(`--vector ${text} is neither a variable nor a JSON list`, 'Define const q = [...] in a cell and pass --vector q.');
  }
}

export default defineMagic({
  name: 'index',
  kind: 'line',
  summary: 'Approximate nearest-neighbour (HNSW) indexes over FLOAT[n] embedding columns, with filters',
  description: [
    '  %index build docs.embedding --metric cosine   HNSW graph (hnswlib) over the column, saved in .datakernel/indexes/NAME',
    '  %index search NAME --vector q --k 10 --where "lang = \'en\'" -o hits',
    '                                                top-k nearest, the filter applied inside the graph walk; the result is',
    '                                                a table: %%sql SELECT * FROM docs JOIN hits USING (id) ORDER BY rank',
    '  %index list | %index drop NAME',
    'Exact search needs no index: %%sql SELECT id FROM docs ORDER BY array_cosine_distance(embedding, $q::FLOAT[128]) LIMIT 10',
    'Cells: import { buildIndex, search, exactSearch } from "datakernel/vectors".',
  ].join('\n'),
  args: {
    positionals: [
      { name: 'command', description: 'build, search, list or drop' },
      { name: 'target', description: 'build: SOURCE.COLUMN; search, drop: the index NAME', optional: true },
    ],
    options: {
      name: { type: 'string', valueName: 'NAME', description: 'build: the index name (default TABLE_COLUMN)' },
      metric: { type: 'string', valueName: 'M', description: 'build: cosine, l2 or ip', default: 'cosine' },
      key: { type: 'string', valueName: 'COL', description: 'build: the column results return (default id, else the row number)' },
      m: { type: 'string', valueName: 'N', description: 'build: HNSW links per node (default 16)' },
      'ef-construction': { type: 'string', valueName: 'N', description: 'build: HNSW build beam (default 200)' },
      vector: { type: 'string', valueName: 'VAR', description: 'search: variable holding the query vector (or a JSON list)' },
      k: { type: 'string', valueName: 'K', description: 'search: neighbours to return', default: '10' },
      ef: { type: 'string', valueName: 'N', description: 'search: beam width, recall vs speed (default 400)' },
      where: { type: 'string', valueName: 'SQL', description: 'search: SQL condition on the source columns' },
      out: { type: 'string', short: 'o', valueName: 'VAR', description: 'search: store the result in variable VAR' },
    },
  },
  async run({ args }, ctx) {
    const vectors = await import('../../vectors/index.js');
    const [command, target] = args.positionals;
    if (!isSubcommand(command)) throw new UsageError(`%index: unknown subcommand '${command}'`, `Subcommands: ${Object.keys(USAGE).join(', ')} (see %index --help)`);
    const needTarget = () => {
      if (!target) throw new UsageError(`%index ${command} needs ${command === 'build' ? 'SOURCE.COLUMN' : 'an index NAME'}`, `Usage: ${USAGE[command]}`);
      return target;
    };
    const scope = { session: ctx.session, cwd: ctx.cwd(), variables: { has: (n: string) => ctx.hasVariable(n), get: (n: string) => ctx.getVariable(n) } };
    switch (command) {
      case 'build': {
        const info = await vectors.buildIndex(needTarget(), {
          ...scope,
          name: args.options.name as string | undefined,
          metric: args.options.metric as 'cosine',
          key: args.options.key as string | undefined,
          m: whole(args.options.m, 'm'),
          efConstruction: whole(args.options['ef-construction'], 'ef-construction'),
        });
        return Object.assign(bundle(tableBundle({ ...recordsTable([{ ...info }]), caption: `Index ${info.name}` })), { info });
      }
      case 'search': {
        const result = await vectors.search(needTarget(), queryVector(args.options.vector, ctx), {
          ...scope,
          k: whole(args.options.k, 'k'),
          ef: whole(args.options.ef, 'ef'),
          filter: args.options.where as string | undefined,
        });
        if (typeof args.options.out === 'string') ctx.setVariable(args.options.out, result);
        return result;
      }
      case 'list': {
        const all = vectors.listIndexes(ctx.session);
        if (all.length === 0) return bundle({ 'text/plain': 'No vector indexes. Build one with %index build TABLE.COLUMN.' });
        return bundle(tableBundle(recordsTable(all.map((i) => ({ ...i })))));
      }
      case 'drop': {
        const name = needTarget();
        if (!vectors.dropIndex(name, ctx.session)) throw new DataKernelError(`No vector index named ${name}`, '%index list shows the indexes.');
        return bundle({ 'text/plain': `Dropped index ${name}` });
      }
    }
  },
});
