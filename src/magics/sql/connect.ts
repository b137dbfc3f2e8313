import { bundle } from '../../display/mime.js';
import { tableBundle } from '../../display/table.js';
import { defineMagic } from '../magic.js';

export default defineMagic({
  name: 'connect',
  kind: 'line',
  summary: 'Connect a source (Postgres, MySQL, ClickHouse, DuckDB file, Parquet/CSV/JSON files, NATS/MQTT/Kafka streams) or list connections',
  description:
    '`%connect NAME URI` connects a source; its tables are then NAME.schema.table in %sql (loaded into DuckDB when a\n' +
    'query names them), and `%%sql --on NAME` runs SQL on the source itself. URIs: postgres://user@host:5432/db,\n' +
    'mysql://user@host:3306/db, clickhouse://user@host:8123/db (HTTP; clickhouses:// for HTTPS; NAME.db.table,\n' +
    'filters and aggregates run on ClickHouse), duckdb:///path/file.duckdb, or a file path, glob or folder (.parquet, .csv, .json,\n' +
    '.ndjson; folders read hive partitions) which becomes a view NAME. Event streams: nats://host:4222 --stream S\n' +
    '(JetStream), mqtt://host:1883 --topic \'t/#\', kafka://host:9092 --topic T become the table NAME of their retained\n' +
    'messages (subject, sequence, timestamp, then the decoded JSON fields), read from the broker for each query. Passwords: in the URI as ${VAR} or env:VAR\n' +
    '(read from the environment), or --password to be asked; they are never shown. `%connect` alone lists\n' +
    'connections; `%connect NAME --tables` lists a connection\'s tables.',
  args: {
    positionals: [
      { name: 'name', description: 'connection name (becomes the SQL catalog or view name)', optional: true },
      { name: 'uri', description: 'what to connect', optional: true },
    ],
    options: {
      password: { type: 'boolean', description: 'ask for the password (typed hidden)' },
      tables: { type: 'boolean', description: 'list the tables of connection NAME' },
      stream: { type: 'string', valueName: 'NAME', description: 'NATS JetStream: the stream to read' },
      topic: { type: 'string', valueName: 'TOPIC', description: 'Kafka topic or MQTT topic filter to read' },
    },
  },
  async run({ args }, ctx) {
    const { connect, getConnection, listConnections } = await import('../../connectors/registry.js');
    const [name, uri] = args.positionals;
    if (!name) {
      const rows = [['(embedded)', 'duckdb', 'in-memory DuckDB: SELECT from its tables, files, variables'], ...listConnections(ctx.session).map((c) => [c.name, c.kind, c.displayUri])];
      return bundle(tableBundle({ columns: [{ name: 'name' }, { name: 'kind' }, { name: 'uri' }], rows, caption: 'Connections' }));
    }
    if (!uri) {
      const connector = getConnection(ctx.session, name);
      const tables = await connector.tables();
      return bundle(
        tableBundle({
          columns: [{ name: 'schema' }, { name: 'table' }, { name: 'kind' }, { name: 'in SQL' }],
          rows: tables.map((t) => [t.schema, t.name, t.kind, connector.kind === 'files' || connector.kind === 'stream' ? t.name : `${name}.${t.schema}.${t.name}`]),
          caption: `Tables of ${name} (${connector.displayUri})`,
        }),
      );
    }
    const password = args.options.password ? await ctx.output.input(`Password for ${name}: `, true) : undefined;
    if (/^\w+:\/\/[^/@:\s]*:(?!\$\{|env:)[^@\s]+@/.test(uri)) {
      ctx.output.stream('stderr', 'Warning: a password written in the URI is saved with the notebook; use ${VAR}, env:VAR or --password instead.\n');
    }
    const connector = await connect(ctx.session, name, uri, { password, cwd: ctx.cwd(), stream: args.options.stream as string | undefined, topic: args.options.topic as string | undefined });
    const usage = connector.kind === 'files' || connector.kind === 'stream' ? `SELECT * FROM ${name}` : connector.kind === 'duckdb' ? `SELECT * FROM ${name}.main.TABLE` : `SELECT * FROM ${name}.SCHEMA.TABLE`;
    return bundle({ 'text/plain': `Connected ${name}: ${connector.displayUri} (${connector.kind}). Query it with ${usage}.` });
  },
});
