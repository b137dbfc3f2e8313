import { randomUUID } from 'node:crypto';
import { currentOutput, type OutputSink } from './output.js';

export interface ProgressOptions {
  /** Label shown before the bar. */
  label: string;
  /** Units of work in all; unknown totals show a count instead of a bar. */
  total?: number;
  /** Text after the count, e.g. "rows". @default "" */
  unit?: string;
}

const BAR_WIDTH = 30;
// Notebook front ends repaint on every update message; 10 per second is smooth and cheap.
const MIN_UPDATE_MS = 100;

/**
 * One progress display updated in place (a display_id in notebooks, one redrawn line in the REPL),
 * never a flood of lines.
 */
export class Progress {
  private readonly displayId = `progress-${randomUUID()}`;
  private readonly sink: OutputSink | undefined;
  private readonly started = Date.now();
  private lastShown = 0;
  private done = 0;
  private detail = '';

  constructor(private readonly options: ProgressOptions) {
    this.sink = currentOutput();
    this.render(false);
  }

  /** Sets the amount done and an optional detail text (e.g. "loss 0.31"). */
  update(done: number, detail?: string): void {
    this.done = done;
    if (detail !== undefined) this.detail = detail;
    if (Date.now() - this.lastShown >= MIN_UPDATE_MS) this.render(true);
  }

  /** Final render, whatever the throttle says. */
  finish(detail?: string): void {
    if (detail !== undefined) this.detail = detail;
    if (this.options.total !== undefined) this.done = this.options.total;
    this.render(true);
  }

  text(): string {
    const { label, total, unit = '' } = this.options;
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    const count = `${this.done.toLocaleString('en-US')}${total !== undefined ? `/${total.toLocaleString('en-US')}` : ''}${unit ? ` ${unit}` : ''}`;
    const tail = `${count} ${seconds}s${this.detail ? `  ${this.detail}` : ''}`;
    if (total === undefined || total <= 0) return `${label} ${tail}`;
    const fraction = Math.min(1, this.done / total);
    const filled = Math.round(fraction * BAR_WIDTH);
    return `${label} ${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${(fraction * 100).toFixed(0).padStart(3)}%  ${tail}`;
  }

  private render(update: boolean): void {
    this.lastShown = Date.now();
    const text = this.text();
    const total = this.options.total;
    const html =
      total !== undefined && total > 0
        ? `<div><code>${this.options.label}</code> <progress value="${this.done}" max="${total}"></progress> <code>${text.slice(text.indexOf('%') + 1).trim()}</code></div>`
        : `<div><code>${text}</code></div>`;
    this.sink?.display({ 'text/plain': text, 'text/html': html }, { displayId: this.displayId, update, metadata: { progress: true } });
  }
}
