import { bundle } from '../../display/mime.js';
import { recordsTable, tableBundle } from '../../display/table.js';
import { DataKernelError, UsageError } from '../../errors.js';
import { defineMagic, type MagicContext } from '../magic.js';

const USAGE = {
  define: '%features define NAME --source SRC --entity COL --timestamp COL --features a,b [--ttl 7d] [--defaults JSON] [--prefix P]',
  list: '%features list',
  materialize: '%features materialize NAME [--redis redis://HOST:PORT] [--full]',
  'training-set': '%features training-set --entities LABELS --features VIEW[,VIEW:FEATURE...] [--timestamp COL] [-o VAR]',
  get: '%features get NAME KEY [KEY...] [--redis URL]',
} as const;

type Subcommand = keyof typeof USAGE;

const isSubcommand = (word: string | undefined): word is Subcommand => word !== undefined && Object.hasOwn(USAGE, word);

const list = (value: unknown) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : []);

function required(options: Record<string, unknown>, name: string, subcommand: Subcommand): string {
  const value = options[name];
  if (typeof value !== 'string' || !value) throw new UsageError(`%features ${subcommand} needs --${name}`, `Usage: ${USAGE[subcommand]}`);
  return value;
}

function only(targets: string[], count: number, subcommand: Subcommand): void {
  if (targets.length !== count) throw new UsageError(`%features ${subcommand} takes ${count === 0 ? 'no name' : 'one feature view NAME'}, got ${targets.length}`, `Usage: ${USAGE[subcommand]}`);
}

function defaults(text: unknown) {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as Record<string, string | number | boolean | null>;
  } catch {
    throw new DataKernelError(`--defaults is not JSON: ${text}`, `e.g. --defaults '{"clicks_7d": 0}'`);
  }
}

const table = (rows: Record<string, unknown>[], caption: string) => bundle(tableBundle({ ...recordsTable(rows), caption }));

export default defineMagic({
  name: 'features',
  kind: 'line',
  summary: 'Feature views: define, materialize into Redis for serving, point-in-time training sets, online lookups',
  description: [
    'A feature view names an entity key, a source (table, file, connection table or SELECT query), the feature',
    'columns, an event-time column and a TTL; it is kept in .datakernel/catalog.duckdb.',
    '  %features define NAME --source SRC --entity COL --timestamp COL --features a,b [--ttl 7d]',
    '  %features list                        the views, with their last materialization',
    '  %features materialize NAME            latest value per entity into Redis hashes (PEXPIREAT event time + TTL);',
    '                                        later runs write only what changed since the last complete run.',
    '                                        A first or --full run fills a new key-space version and flips to it',
    '                                        atomically; a run cut short changes nothing readers see as current',
    '  %features training-set --entities LABELS --features v1,v2 -o train',
    '                                        each label row joined to feature values as of its event time (ASOF',
    '                                        join): later values never leak in; values older than the TTL are null.',
    '                                        `%train --data train` trains on it',
    '  %features get NAME KEY...             the values served now for those entities',
    'Redis is $DATAKERNEL_REDIS_URL, else redis://127.0.0.1:6379, unless --redis says otherwise.',
    'Cells: import { defineFeatures, materializeFeatures, trainingSet, getOnlineFeatures } from "datakernel/features".',
  ].join('\n'),
  args: {
    positionals: [
      { name: 'command', description: 'define, list, materialize, training-set or get' },
      { name: 'targets', description: 'the feature view NAME (get: then entity keys)', optional: true, variadic: true },
    ],
    options: {
      source: { type: 'string', valueName: 'SRC', description: 'define: table, file, connection table or "SELECT ..." query' },
      entity: { type: 'string', valueName: 'COL', description: 'define: the entity key column' },
      timestamp: { type: 'string', valueName: 'COL', description: 'define: the event-time column; training-set: the label rows\' one' },
      features: { type: 'string', valueName: 'LIST', description: 'define: feature columns a,b; training-set: views v1,v2 or v1:feature' },
      ttl: { type: 'string', valueName: 'TTL', description: 'define: how long a value holds after its event time (500ms, 45s, 30m, 12h, 7d, 2w)' },
      defaults: { type: 'string', valueName: 'JSON', description: 'define: values served for entities the store lacks (else 404)' },
      prefix: { type: 'string', valueName: 'P', description: 'define: Redis key prefix (default dk:fv:)' },
      redis: { type: 'string', valueName: 'URL', description: 'materialize, get: the Redis URI' },
      full: { type: 'boolean', description: 'materialize: rebuild every entity into a new version' },
      entities: { type: 'string', valueName: 'LABELS', description: 'training-set: label rows (entity key, event time, labels)' },
      out: { type: 'string', short: 'o', valueName: 'VAR', description: 'training-set: store the result in variable VAR' },
    },
  },
  async run({ args }, ctx: MagicContext) {
    const features = await import('../../features/index.js');
    const [command, ...targets] = args.positionals;
    if (!isSubcommand(command)) throw new UsageError(`%features: unknown subcommand '${command}'`, `Subcommands: ${Object.keys(USAGE).join(', ')} (see %features --help)`);
    const options = args.options;
    const scope = { session: ctx.session, cwd: ctx.cwd(), variables: { has: (n: string) => ctx.hasVariable(n), get: (n: string) => ctx.getVariable(n) } };
    const redis = typeof options.redis === 'string' ? options.redis : undefined;
    switch (command) {
      case 'define': {
        only(targets, 1, command);
        const view = await features.defineFeatures(
          {
            name: targets[0],
            source: required(options, 'source', command),
            entity: required(options, 'entity', command),
            timestamp: required(options, 'timestamp', command),
            features: list(required(options, 'features', command)),
            ttl: options.ttl as string | undefined,
            defaults: defaults(options.defaults),
            keyPrefix: options.prefix as string | undefined,
          },
          scope,
        );
        return Object.assign(table([describeView(view, features.formatTtl)], `Feature view ${view.name}`), { view });
      }
      case 'list': {
        only(targets, 0, command);
        const views = await features.listFeatureViews(ctx.session);
        if (views.length === 0) return bundle({ 'text/plain': 'No feature views. Define one with %features define NAME --source ... (see %features --help).' });
        return Object.assign(table(views.map((v) => describeView(v, features.formatTtl)), `${views.length} feature view(s)`), { views });
      }
      case 'materialize': {
        only(targets, 1, command);
        const result = await features.materializeFeatures(targets[0], { ...scope, redis, full: options.full === true });
        return Object.assign(table([{ ...result }], `Materialized ${result.view} into ${result.redis}`), { result });
      }
      case 'training-set': {
        only(targets, 0, command);
        const result = await features.trainingSet({
          ...scope,
          entities: required(options, 'entities', command),
          features: list(required(options, 'features', command)),
          timestamp: options.timestamp as string | undefined,
        });
        if (typeof options.out === 'string') ctx.setVariable(options.out, result);
        return result;
      }
      case 'get': {
        if (targets.length < 2) throw new UsageError('%features get needs a view NAME and at least one entity KEY', `Usage: ${USAGE.get}`);
        const [name, ...keys] = targets;
        const view = await features.getFeatureView(ctx.session, name);
        const numeric = /INT|DECIMAL|DOUBLE|FLOAT|REAL/i.test(view.types[view.entity]);
        const rows = await features.getOnlineFeatures(name, keys.map((k) => (numeric ? Number(k) : k)), { session: ctx.session, redis });
        return Object.assign(table(rows, `Online features of ${name}`), { rows });
      }
    }
  },
});

function describeView(view: import('../../features/index.js').FeatureView, formatTtl: (ms: number | null) => string) {
  return { name: view.name, entity: view.entity, source: view.source, features: view.features.join(', '), timestamp: view.timestamp, ttl: formatTtl(view.ttlMs), defined: view.definedAt };
}
