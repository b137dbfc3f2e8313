import { getConnection } from '../../connectors/registry.js';
import { bundle } from '../../display/mime.js';
import { DataKernelError } from '../../errors.js';
import { setDisplayLimit } from '../../sql/display-limit.js';
import { runSql } from '../../sql/query.js';
import { defineMagic } from '../magic.js';

const ASSIGN = /^([A-Za-z_$][\w$]*)\s*<<\s*([\s\S]*)$/;

export default defineMagic({
  name: 'sql',
  kind: 'both',
  summary: 'Run SQL on the embedded DuckDB (or on a connection with --on)',
  description:
    '`%sql QUERY` or a `%%sql` cell runs in the embedded DuckDB; several statements run in order and the last\n' +
    'one\'s result is shown (HTML table with types, first rows and the row count). `$name` binds the variable `name`\n' +
    'as a parameter (never spliced into the text). Variables holding rows (arrays of objects, Arrow tables, danfo\n' +
    'DataFrames, earlier results) are tables by their name; connection tables are NAME.schema.table.\n' +
    '`%%sql --on NAME` sends the query unchanged to connection NAME. Save the result with `-o VAR` or `VAR <<`\n' +
    '(`%%sql top << ` on the first line). `%sql --display-rows N` sets how many rows results show.\n' +
    'Tables of ClickHouse connections get the filters, columns and single-table GROUP BY subqueries of the query\n' +
    'run on ClickHouse; `%%sql --explain` shows what would run where (SQL sent to each source, DuckDB\'s plan).',
  args: {
    options: {
      on: { type: 'string', valueName: 'NAME', description: 'run on this connection, in its own SQL dialect' },
      out: { type: 'string', short: 'o', valueName: 'VAR', description: 'store the result in variable VAR' },
      'display-rows': { type: 'string', valueName: 'N', description: 'rows a displayed result shows in this session' },
      explain: { type: 'boolean', description: 'show what would run where (remote SQL, DuckDB plan) without running it' },
    },
    rawRest: { name: 'QUERY', description: 'the SQL (for %%sql, the cell body)', optional: true },
  },
  async run({ args, body }, ctx) {
    const displayRows = args.options['display-rows'] as string | undefined;
    if (displayRows !== undefined) {
      const rows = Number(displayRows);
      if (!Number.isInteger(rows) || rows < 0) throw new DataKernelError(`--display-rows needs a whole number, got ${displayRows}`, 'e.g. %sql --display-rows 50');
      setDisplayLimit(ctx.session, rows);
    }
    let text = [args.rest, body ?? ''].join('\n').trim();
    let target = args.options.out as string | undefined;
    const assign = ASSIGN.exec(text);
    if (assign) {
      target = assign[1];
      text = assign[2].trim();
    }
    if (!text) {
      if (displayRows !== undefined) return bundle({ 'text/plain': `Results show ${displayRows} rows.` });
      throw new DataKernelError('%sql: no query', 'Write the SQL after %sql, or below %%sql in a cell.');
    }
    const on = args.options.on as string | undefined;
    const variables = { has: (n: string) => ctx.hasVariable(n), get: (n: string) => ctx.getVariable(n) };
    if (args.options.explain === true) {
      if (on) throw new DataKernelError('--explain is for DuckDB SQL', `The query goes to ${on} unchanged; run EXPLAIN in ${on}'s own dialect with %%sql --on ${on}.`);
      const { explainSql } = await import('../../sql/explain.js');
      const explanation = await explainSql(ctx.session, text, { variables });
      return bundle({ 'text/plain': explanation.toString() });
    }
    let result;
    if (on) {
      const connector = getConnection(ctx.session, on);
      // Sources that bind `$name` themselves get the variables' values; the text goes unchanged.
      const names = connector.parameterNames?.(text) ?? [];
      const params = Object.fromEntries(names.filter((n) => ctx.hasVariable(n)).map((n) => [n, ctx.getVariable(n)]));
      result = await connector.query(text, names.length ? params : undefined);
    } else {
      result = await runSql(ctx.session, text, undefined, { variables });
    }
    if (target) ctx.setVariable(target, result);
    return result;
  },
});
