import type { MimeBundle } from '../display/mime.js';
import { tableHtml, tableText, type TableData } from '../display/table.js';
import { lineChartSvg } from './line-chart.js';
import type { EpochLog } from './runs.js';
import type { Task } from './target.js';

/** Numbers as a reader wants them in a metrics table. */
export const formatMetric = (value: number | undefined): string =>
  value === undefined || value === null ? '' : Number.isFinite(value) ? (Math.abs(value) >= 1000 ? value.toFixed(1) : value.toPrecision(4)) : String(value);

/** What a training produced: the stored version, its metrics and history; displays a metrics table and loss curve. */
export class TrainResult {
  constructor(
    readonly name: string,
    readonly version: number,
    /** Registry folder of this version. */
    readonly dir: string,
    readonly task: Task,
    readonly kind: string,
    readonly backend: string,
    readonly solver: string,
    /** Final metrics on the validation split (the training rows when there is none). */
    readonly metrics: Record<string, number>,
    readonly history: EpochLog[],
    readonly runId: string,
    readonly durationMs: number,
    readonly rows: { train: number; validation: number },
  ) {}

  /** The metrics as table data (one row per metric). */
  metricsTable(): TableData {
    const split = this.rows.validation > 0 ? `validation (${this.rows.validation} rows)` : `training (${this.rows.train} rows)`;
    return {
      columns: [{ name: 'metric' }, { name: 'value' }],
      rows: Object.entries(this.metrics).map(([metric, value]) => [metric, formatMetric(value)]),
      caption: `${this.name}@${this.version} · ${this.task} · ${this.kind} (${this.solver}, ${this.backend}) · ${split} · ${(this.durationMs / 1000).toFixed(1)}s`,
    };
  }

  [Symbol.for('Jupyter.display')](): MimeBundle {
    const table = this.metricsTable();
    const series = [{ name: 'loss', values: this.history.map((h) => h.loss) }];
    if (this.history.some((h) => h.val_loss !== undefined)) series.push({ name: 'val_loss', values: this.history.map((h) => h.val_loss) });
    const chart = lineChartSvg('Loss', series, this.solver === 'irls' ? 'iteration' : 'epoch');
    return {
      'text/plain': tableText(table),
      'text/html': `<div style="display:flex;gap:24px;align-items:flex-start;flex-wrap:wrap"><div>${tableHtml(table)}</div>${chart}</div>`,
    };
  }
}
