import { JUPYTER_DISPLAY, type MimeBundle } from '../display/mime.js';
import { tableHtml, tableText, type TableData } from '../display/table.js';
import type { Counts } from './column-queries.js';

/** Per-column tests: Kolmogorov–Smirnov, chi-square, two-proportion Z (p-values); Wasserstein (normed), Jensen–Shannon, PSI. */
export const DRIFT_METHODS = ['ks', 'chisquare', 'z', 'wasserstein', 'jensenshannon', 'psi'] as const;
export type DriftMethod = (typeof DRIFT_METHODS)[number];

const METHOD_LABELS: Record<DriftMethod, string> = {
  ks: 'K-S p-value',
  chisquare: 'chi-square p-value',
  z: 'Z-test p-value',
  wasserstein: 'Wasserstein (normed)',
  jensenshannon: 'Jensen-Shannon distance',
  psi: 'PSI',
};

/** One column's comparison. */
export interface ColumnDrift {
  column: string;
  kind: 'numeric' | 'categorical';
  /** The test used; undefined when a sample has no values. */
  method: DriftMethod | undefined;
  /** p-value or distance, as the method gives. */
  score: number;
  threshold: number;
  drifted: boolean;
  /** Population Stability Index on the same bins/categories. */
  psi: number;
  referenceRows: number;
  currentRows: number;
  /** Counts per bin or category, for charts. */
  counts: Counts;
}

/** PSI bands: < 0.1 no significant change, 0.1–0.2 moderate, >= 0.2 significant. */
export const psiBand = (psi: number): string => (Number.isNaN(psi) ? '' : psi < 0.1 ? 'stable' : psi < 0.2 ? 'moderate' : 'significant');

const round = (x: number) => (Number.isNaN(x) ? null : Number(x.toPrecision(4)));

/** The result of comparing two datasets: per-column drift and the dataset verdict; shows as a table. */
export class DriftReport {
  constructor(
    readonly columns: readonly ColumnDrift[],
    /** Share of drifted columns at which the dataset counts as drifted. */
    readonly driftShareThreshold: number,
  ) {}

  /** Columns compared (those with values in both samples). */
  get tested(): ColumnDrift[] {
    return this.columns.filter((c) => c.method !== undefined);
  }

  get drifted(): ColumnDrift[] {
    return this.columns.filter((c) => c.drifted);
  }

  /** Share of tested columns that drifted. */
  get driftShare(): number {
    return this.tested.length ? this.drifted.length / this.tested.length : 0;
  }

  get datasetDrift(): boolean {
    return this.tested.length > 0 && this.driftShare >= this.driftShareThreshold;
  }

  /** A one-line verdict, e.g. "Dataset drift: 3 of 5 columns drifted (60% >= 50%)". */
  get summary(): string {
    const share = `${Math.round(this.driftShare * 100)}% ${this.datasetDrift ? '>=' : '<'} ${Math.round(this.driftShareThreshold * 100)}%`;
    return `${this.datasetDrift ? 'Dataset drift detected' : 'No dataset drift'}: ${this.drifted.length} of ${this.tested.length} columns drifted (${share})`;
  }

  /** One row per column, ready for tables or DataFrames. */
  toRecords(): Record<string, unknown>[] {
    return this.columns.map((c) => ({
      column: c.column,
      type: c.kind,
      test: c.method ? METHOD_LABELS[c.method] : 'no values',
      score: round(c.score),
      threshold: round(c.threshold),
      drift: c.drifted ? 'DRIFT' : c.method ? 'ok' : '',
      psi: round(c.psi),
      psi_band: psiBand(c.psi),
      reference_rows: c.referenceRows,
      current_rows: c.currentRows,
    }));
  }

  private table(): TableData {
    const records = this.toRecords();
    const names = Object.keys(records[0] ?? {});
    return { columns: names.map((name) => ({ name })), rows: records.map((r) => names.map((n) => r[n])), caption: this.summary };
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const table = this.table();
    return { 'text/plain': tableText(table), 'text/html': tableHtml(table), 'application/json': { summary: this.summary, columns: this.toRecords() } };
  }
}
