import type { Chart } from '../viz/chart.js';
import { plot } from '../viz/plot.js';
import type { ColumnDrift, DriftReport } from './drift-report.js';
import { sumOf } from './statistics.js';

const shares = (counts: number[]) => {
  const total = sumOf(counts) || 1;
  return counts.map((c) => c / total);
};

/** Reference and current distributions of one column side by side (shares per bin or category). */
export function columnChart(column: ColumnDrift): Chart {
  const verdict = column.method ? `${column.method} ${Number(column.score.toPrecision(3))}${column.drifted ? ' — drift' : ''}` : 'no values';
  return plot({
    data: [
      { type: 'bar', name: 'reference', x: column.counts.labels, y: shares(column.counts.reference) },
      { type: 'bar', name: 'current', x: column.counts.labels, y: shares(column.counts.current) },
    ],
    layout: { title: `${column.column} (${verdict})`, barmode: 'group', xaxis: { title: column.column, type: 'category' }, yaxis: { title: 'share of rows' } },
  });
}

/** Charts of the drifted columns first, then the others, at most `limit`. @default limit 12 */
export function driftCharts(report: DriftReport, limit = 12): Chart[] {
  const ordered = [...report.drifted, ...report.columns.filter((c) => !c.drifted && c.method)];
  return ordered.slice(0, limit).map(columnChart);
}
