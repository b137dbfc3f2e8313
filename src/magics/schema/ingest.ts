import { format } from '../../display/format.js';
import { UsageError } from '../../errors.js';
import { defineMagic, type MagicContext } from '../magic.js';

const MODES = ['overwrite', 'append', 'incremental', 'cdc'] as const;

export default defineMagic({
  name: 'ingest',
  kind: 'line',
  summary: 'Load a table, file, connection table or query into Parquet, schema-checked and atomic',
  description: [
    'Copies SOURCE (a DuckDB table or view, a file, a connection table NAME.schema.table, a variable holding rows,',
    'or with --query SQL run on connection SOURCE) into Parquet at --into: a .parquet file, or a folder of part files.',
    'The source schema is checked against what is there first; a breaking change (dropped column, narrowed type,',
    '...) stops the load with a report unless --allow-breaking. Modes: overwrite replaces the data; append adds a part',
    'file (a single .parquet file is rewritten with old and new rows); incremental loads only rows whose --cursor',
    'column is past the largest value loaded before (kept in .datakernel/catalog.duckdb; the filter runs on the',
    'source). Writes go to a temporary name in the same folder and are moved into place, so a failed or killed load',
    'leaves the old Parquet as it was. --partition-by writes a hive-partitioned folder (col=value/).',
    '--into NAME.db.table of a ClickHouse connection loads into ClickHouse: the table is created from the source\'s schema',
    '(MergeTree), overwrite swaps a freshly filled table in by RENAME, append inserts.',
    'cdc reads a Postgres table\'s inserts, updates and deletes through logical replication (wal_level = logical):',
    'the first run creates a publication and a slot and copies the table as of the slot; every run applies the changes',
    'since, into --into/changes/ (the change log: _op, _lsn, _commit_time, row) and --into/current.parquet (the latest',
    'row per primary key). The LSN is kept in the catalog, so a rerun resumes exactly where the last stopped. A run',
    'stops once it has read the WAL written before it started, after --max-changes, or with --until-idle SECONDS when',
    'no change came for that long. DDL seen in the stream passes the same schema gate.',
    'An event stream connection (%connect NAME nats://...) loads incrementally by its sequence, exactly once across',
    'restarts (the position is in the catalog and in the part file names): what is retained past the last load, or',
    'with --until-idle SECONDS it follows the stream live until that long without a message; --max-messages N caps it.',
    'Malformed messages go to INTO.rejects/ and are counted in the result.',
  ].join('\n'),
  args: {
    positionals: [{ name: 'source', description: 'table, view, file, NAME.schema.table, variable, or a connection name with --query' }],
    options: {
      into: { type: 'string', valueName: 'PATH', description: 'destination .parquet file or dataset folder, or NAME.db.table (ClickHouse)' },
      format: { type: 'string', valueName: 'FORMAT', description: 'output format (parquet)', default: 'parquet' },
      mode: { type: 'string', valueName: 'MODE', description: 'overwrite, append, incremental or cdc', default: 'overwrite' },
      cursor: { type: 'string', valueName: 'COLUMN', description: 'incremental: the column new rows grow in (id, timestamp)' },
      'partition-by': { type: 'string', valueName: 'COLS', description: 'comma-separated columns to partition the folder by' },
      query: { type: 'string', valueName: 'SQL', description: 'SQL to run on connection SOURCE instead of a whole table' },
      'allow-breaking': { type: 'boolean', description: 'write even when the schema change is breaking' },
      'max-changes': { type: 'string', valueName: 'N', description: 'cdc: stop after about N changes (at a transaction end)' },
      'until-idle': { type: 'string', valueName: 'SECONDS', description: 'cdc, streams: follow new changes/messages until none came for SECONDS' },
      'max-messages': { type: 'string', valueName: 'N', description: 'streams: stop after N messages' },
    },
  },
  async run({ args }, ctx) {
    const { ingest, IngestBlockedError } = await import('../../ingest/index.js');
    const into = args.options.into as string | undefined;
    if (!into) throw new UsageError('%ingest needs --into PATH', 'Usage: %ingest SOURCE --into PATH [--mode overwrite|append|incremental --cursor COLUMN] [--partition-by COLS]');
    const mode = args.options.mode as string;
    if (!MODES.includes(mode as (typeof MODES)[number])) throw new UsageError(`%ingest: unknown --mode ${mode}`, `Use ${MODES.join(', ')}.`);
    if (mode === 'cdc') return runCdc(args.positionals[0], into, args.options, ctx);
    const partitionBy = (args.options['partition-by'] as string | undefined)?.split(',').map((c) => c.trim()).filter(Boolean);
    const { findConnection } = await import('../../connectors/registry.js');
    const stream = findConnection(ctx.session, args.positionals[0]);
    if (stream?.kind === 'stream') {
      const { ingestStream } = await import('../../ingest/stream-ingest.js');
      if (mode === 'append') throw new UsageError('%ingest: a stream loads incrementally by its sequence', 'Drop --mode (or use --mode incremental).');
      return ingestStream(ctx.session, stream as import('../../connectors/stream.js').StreamConnector, {
        into,
        partitionBy,
        maxMessages: count(args.options['max-messages'], 'max-messages'),
        untilIdle: count(args.options['until-idle'], 'until-idle'),
        allowBreaking: args.options['allow-breaking'] === true,
        cwd: ctx.cwd(),
      });
    }
    try {
      return await ingest(ctx.session, args.positionals[0], {
        into,
        format: args.options.format as string,
        mode: mode as 'overwrite' | 'append' | 'incremental',
        cursor: args.options.cursor as string | undefined,
        partitionBy,
        query: args.options.query as string | undefined,
        allowBreaking: args.options['allow-breaking'] === true,
        cwd: ctx.cwd(),
        variables: { has: (n) => ctx.hasVariable(n), get: (n) => ctx.getVariable(n) },
      });
    } catch (error) {
      // The error names the breaking changes; the table shows every change with its reason.
      if (error instanceof IngestBlockedError) ctx.output.display(await format(error.diff));
      throw error;
    }
  },
});

const count = (text: unknown, option: string): number | undefined => {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`%ingest: --${option} needs a positive number, not ${String(text)}`, `e.g. --${option} 1000`);
  return value;
};

async function runCdc(source: string | undefined, into: string, options: Record<string, unknown>, ctx: MagicContext) {
  const { ingestChanges } = await import('../../cdc/index.js');
  const { IngestBlockedError } = await import('../../ingest/index.js');
  if (!source) throw new UsageError('%ingest --mode cdc needs a table', 'e.g. %ingest pg.public.orders --into data/orders --mode cdc');
  for (const option of ['query', 'cursor', 'partition-by', 'max-messages']) {
    if (options[option] !== undefined) throw new UsageError(`%ingest: --${option} does not go with --mode cdc`, 'CDC reads a whole table\'s changes into a change log and its current state.');
  }
  try {
    return await ingestChanges(ctx.session, source, {
      into,
      cwd: ctx.cwd(),
      allowBreaking: options['allow-breaking'] === true,
      maxChanges: count(options['max-changes'], 'max-changes'),
      untilIdle: count(options['until-idle'], 'until-idle'),
    });
  } catch (error) {
    if (error instanceof IngestBlockedError) ctx.output.display(await format(error.diff));
    throw error;
  }
}
