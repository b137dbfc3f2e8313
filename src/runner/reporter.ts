import type { MimeBundle } from '../display/mime.js';
import { runWithOutput, type OutputSink } from '../display/output.js';
import { Progress } from '../display/progress.js';
import { firstLine } from './notebook.js';

/** Where a run reports: `out` for progress, `err` for logs and failures; `interactive` draws a redrawn bar. */
export interface RunnerStreams {
  out(text: string): void;
  err(text: string): void;
  /** A terminal (not CI): one progress bar redrawn in place instead of a line per cell. */
  interactive: boolean;
  /** The terminal's width; the bar is cut to it, since a wrapped line cannot be redrawn in place. */
  columns?: number;
}

const TICK_MS = 500;

/** Reports cell n/N and elapsed time: a progress bar on a terminal, plain lines in CI logs. */
export class RunReporter {
  private readonly started = Date.now();
  private progress: Progress | undefined;
  private barText = '';
  private ticker: NodeJS.Timeout | undefined;
  private done = 0;
  private current = '';
  private total = 0;

  constructor(
    private readonly streams: RunnerStreams,
    private readonly label: string,
  ) {}

  /** The run starts with `total` code cells. */
  begin(total: number): void {
    this.total = total;
    const { streams, label } = this;
    if (streams.interactive) {
      // The shared Progress renders the bar; this sink draws its text on one terminal line.
      const bar: OutputSink = {
        stream: () => undefined,
        display: (data: MimeBundle) => this.draw(String(data['text/plain'] ?? '')),
        clearOutput: () => undefined,
        input: async () => '',
      };
      this.progress = runWithOutput(bar, () => new Progress({ label, total, unit: 'cells' }));
      this.ticker = setInterval(() => this.progress?.update(this.done, this.current), TICK_MS).unref();
    } else streams.out(`Running ${label}: ${total} code cells\n`);
  }

  private draw(line: string): void {
    const width = this.streams.columns;
    const text = width && line.length >= width ? line.slice(0, width - 1) : line;
    this.barText = text;
    this.streams.out(`\r\x1b[2K${text}`);
  }

  /** Cell `n` (1-based among code cells) starts. */
  cellStarted(n: number, source: string): void {
    this.current = `cell ${n}: ${firstLine(source, 60)}`;
    if (this.progress) this.progress.update(this.done, this.current);
    else this.streams.out(`[${n}/${this.total}] ${firstLine(source, 60)}\n`);
  }

  /** Cell `n` ended after `seconds`. */
  cellFinished(n: number, ok: boolean, seconds: number): void {
    this.done = n;
    if (this.progress) this.progress.update(n, this.current);
    else this.streams.out(`[${n}/${this.total}] ${ok ? 'ok' : 'FAILED'} in ${seconds.toFixed(2)}s (elapsed ${this.elapsed()})\n`);
  }

  /** Writes log text to stderr without breaking the bar: the bar is cleared, then redrawn below it. */
  log(text: string): void {
    if (this.progress && this.barText) this.streams.out('\r\x1b[2K');
    this.streams.err(text);
    if (this.progress && this.barText) this.streams.out(this.barText);
  }

  /** Ends the report with a summary line. */
  finish(summary: string): void {
    clearInterval(this.ticker);
    if (this.progress) {
      // The bar's own state, not finish(): a failed run must not show 100%.
      this.draw(this.progress.text());
      this.streams.out('\n');
    }
    this.streams.out(`${summary} (${this.elapsed()})\n`);
  }

  private elapsed(): string {
    return `${((Date.now() - this.started) / 1000).toFixed(1)}s`;
  }
}
