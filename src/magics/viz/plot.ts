import { resolve } from 'node:path';
import { DataKernelError } from '../../errors.js';
import { CHART_KINDS, chartKind } from '../../viz/chart-options.js';
import type { Aggregate } from '../../viz/frame.js';
import type { SqlRelation } from '../../viz/sql-frame.js';
import { defineMagic, type MagicContext } from '../magic.js';

const KINDS = CHART_KINDS.join(', ');

/** A table, view, connection table or file as a relation in the session's DuckDB. */
async function relationIn(ctx: MagicContext, source: string): Promise<SqlRelation> {
  const { resolveRelation } = await import('../../sql/relation.js');
  const { embeddedDuckDB } = await import('../../sql/duckdb.js');
  const relation = await resolveRelation(ctx.session, source, { has: (n) => ctx.hasVariable(n), get: (n) => ctx.getVariable(n) }, ctx.cwd());
  return { relation, connection: (await embeddedDuckDB(ctx.session)).connection };
}

export default defineMagic({
  name: 'plot',
  kind: 'line',
  summary: 'Chart a table, query result, DataFrame or variable (aggregated in DuckDB)',
  description: [
    `KIND is one of ${KINDS}.`,
    'The data is aggregated in DuckDB: a histogram of 10 million rows sends bins, a bar chart one value per',
    'group, and a scatter of more than --max-points rows a uniform sample (the title says so).',
    'Without --data the last result _ is charted. Examples:',
    '  %plot bar --data sales --x region --y amount --agg sum',
    '  %plot histogram --data flights.parquet --x delay --color carrier',
    '  %plot scatter --x horsepower --y mpg --facet origin --save cars.html',
  ].join('\n'),
  args: {
    positionals: [{ name: 'kind', description: `Chart kind: ${KINDS}` }],
    options: {
      data: { type: 'string', short: 'd', valueName: 'SOURCE', description: 'Variable, DuckDB table, connection table NAME.schema.table or file path (default: the last result _)' },
      x: { type: 'string', valueName: 'COL', description: 'Column on the x axis (slice names for pie, groups for box)' },
      y: { type: 'string', valueName: 'COL', description: 'Column on the y axis (bar/pie values; rows are counted without it)' },
      color: { type: 'string', valueName: 'COL', description: 'Column splitting the data into coloured series' },
      facet: { type: 'string', valueName: 'COL', description: 'Column splitting the data into panels' },
      z: { type: 'string', valueName: 'COL', description: 'Heatmap cell value (default: row count)' },
      agg: { type: 'string', valueName: 'AGG', description: 'count, sum, mean, median, min or max (bar/pie: sum; heatmap: mean; line: none)' },
      bins: { type: 'string', valueName: 'N', description: 'Target number of histogram bins' },
      'max-points': { type: 'string', valueName: 'N', description: 'Most points for scatter/line before sampling (default 10000)' },
      title: { type: 'string', valueName: 'TEXT', description: 'Chart title' },
      height: { type: 'string', valueName: 'PX', description: 'Height in pixels (default 420)' },
      save: { type: 'string', valueName: 'PATH', description: 'Also write the chart as a standalone HTML file (works offline) and print its path' },
    },
  },
  async run({ args }, ctx) {
    const { chart } = await import('../../viz/plot.js');
    const kind = chartKind(args.positionals[0]);
    const o = args.options as Record<string, string | undefined>;
    const count = (name: string) => {
      const text = o[name];
      if (text === undefined) return undefined;
      const n = Number(text);
      if (!Number.isInteger(n) || n <= 0) throw new DataKernelError(`--${name} must be a positive whole number, not '${text}'`, `For example --${name} 30`);
      return n;
    };
    const source = o.data ?? '_';
    if (o.data === undefined && !ctx.hasVariable('_')) throw new DataKernelError('No data to plot: there is no last result _', `Name the data: %plot ${kind} --data SOURCE --x COL (a variable, a DuckDB table or a file path).`);
    const { frameOf } = await import('../../viz/source.js');
    // A variable is charted where its data lives (JS memory, or DuckDB for a query result), never copied.
    const variable = ctx.hasVariable(source) ? await frameOf(ctx.getVariable(source)) : undefined;
    const data = variable ?? (await relationIn(ctx, source));
    const result = chart(kind, data, {
      x: o.x,
      y: o.y,
      color: o.color,
      facet: o.facet,
      z: o.z,
      agg: o.agg as Aggregate | undefined,
      bins: count('bins'),
      maxPoints: count('max-points'),
      height: count('height'),
      title: o.title,
    });
    // Aggregating now makes a bad column fail in this cell, with the valid names, not later at display.
    await result.figure();
    if (o.save !== undefined) ctx.output.stream('stdout', `Saved chart to ${await result.save(resolve(ctx.cwd(), o.save))}\n`);
    return result;
  },
});
