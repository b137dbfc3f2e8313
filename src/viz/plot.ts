import { DataKernelError } from '../errors.js';
import { buildFigure } from './build-figure.js';
import { CHART_KINDS, chartKind, type ChartKind, type PlotOptions } from './chart-options.js';
import { Chart } from './chart.js';
import type { Figure } from './figure.js';
import { toFrame, type PlotData } from './source.js';

/** A chart of one kind from data: `plot.bar(rows, {x: 'city', y: 'sales'})`. */
export type ChartFunction = (data: PlotData, options?: PlotOptions) => Chart;

/** A chart of `kind` from any PlotData; aggregation runs where the data lives (DuckDB for relations). */
export function chart(kind: ChartKind, data: PlotData, options: PlotOptions = {}): Chart {
  chartKind(kind);
  return new Chart(async () => buildFigure(kind, await toFrame(data), options));
}

function figureChart(figure: Figure): Chart {
  if (!figure || !Array.isArray(figure.data)) throw new DataKernelError('plot(figure) needs a plotly figure {data: [...], layout?: {...}}', 'Pass {data: [{type: "bar", x: [...], y: [...]}]} or use plot.bar(data, {x, y}).');
  return new Chart(() => figure);
}

const kinds = Object.fromEntries(CHART_KINDS.map((kind) => [kind, (data: PlotData, options?: PlotOptions) => chart(kind, data, options)])) as Record<ChartKind, ChartFunction>;

/**
 * Charts that show in every front end. `plot(figure)` shows a raw plotly figure spec; `plot.line/scatter/bar/
 * histogram/box/heatmap/pie(data, {x, y, color, facet, title})` build one from data.
 */
export const plot: ((figure: Figure) => Chart) & Record<ChartKind, ChartFunction> = Object.assign(figureChart, kinds);

/** The chart functions bound to one data source, for `result.plot.bar({x, y})`. */
export function plotsFor(data: PlotData): Record<ChartKind, (options?: PlotOptions) => Chart> {
  return Object.fromEntries(CHART_KINDS.map((kind) => [kind, (options?: PlotOptions) => chart(kind, data, options)])) as Record<ChartKind, (options?: PlotOptions) => Chart>;
}
