import { format } from '../../display/format.js';
import { UsageError } from '../../errors.js';
import { defineMagic } from '../magic.js';

const MODES = ['overwrite', 'append', 'incremental'] as const;

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
  ].join('\n'),
  args: {
    positionals: [{ name: 'source', description: 'table, view, file, NAME.schema.table, variable, or a connection name with --query' }],
    options: {
      into: { type: 'string', valueName: 'PATH', description: 'destination .parquet file or dataset folder' },
      format: { type: 'string', valueName: 'FORMAT', description: 'output format (parquet)', default: 'parquet' },
      mode: { type: 'string', valueName: 'MODE', description: 'overwrite, append or incremental', default: 'overwrite' },
      cursor: { type: 'string', valueName: 'COLUMN', description: 'incremental: the column new rows grow in (id, timestamp)' },
      'partition-by': { type: 'string', valueName: 'COLS', description: 'comma-separated columns to partition the folder by' },
      query: { type: 'string', valueName: 'SQL', description: 'SQL to run on connection SOURCE instead of a whole table' },
      'allow-breaking': { type: 'boolean', description: 'write even when the schema change is breaking' },
    },
  },
  async run({ args }, ctx) {
    const { ingest, IngestBlockedError } = await import('../../ingest/index.js');
    const into = args.options.into as string | undefined;
    if (!into) throw new UsageError('%ingest needs --into PATH', 'Usage: %ingest SOURCE --into PATH [--mode overwrite|append|incremental --cursor COLUMN] [--partition-by COLS]');
    const mode = args.options.mode as string;
    if (!MODES.includes(mode as (typeof MODES)[number])) throw new UsageError(`%ingest: unknown --mode ${mode}`, `Use ${MODES.join(', ')}.`);
    const partitionBy = (args.options['partition-by'] as string | undefined)?.split(',').map((c) => c.trim()).filter(Boolean);
    try {
      return await ingest(ctx.session, args.positionals[0], {
        into,
        format: args.options.format as string,
        mode: mode as (typeof MODES)[number],
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
