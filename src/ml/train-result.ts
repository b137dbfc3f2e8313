import type { MimeBundle } from '../display/mime.js';
import { tableHtml, tableText, type TableData } from '../display/table.js';
import { plot, type Chart } from '../viz/index.js';
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

  /** Training (and validation) loss per epoch, or per iteration for IRLS, as a chart. */
  lossChart(): Chart {
    const step = this.solver === 'irls' ? 'iteration' : 'epoch';
    const points = this.history.flatMap((h) => [
      { [step]: h.epoch, split: 'training', loss: h.loss },
      ...(h.val_loss === undefined ? [] : [{ [step]: h.epoch, split: 'validation', loss: h.val_loss }]),
    ]);
    return plot.line(points, { x: step, y: 'loss', color: 'split', title: `Loss of ${this.name}@${this.version}` });
  }

  async [Symbol.for('Jupyter.display')](): Promise<MimeBundle> {
    const table = this.metricsTable();
    const chart = this.lossChart();
    return {
      'text/plain': `${tableText(table)}\n\n${await chart.toText()}`,
      'text/html': `<div style="display:flex;gap:24px;align-items:flex-start;flex-wrap:wrap"><div>${tableHtml(table)}</div>${await chart.toSVG()}</div>`,
    };
  }
}
