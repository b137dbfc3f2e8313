import type { MimeBundle } from '../src/display/mime.js';
import type { DisplayOptions, OutputSink } from '../src/display/output.js';

export type BlockKind = 'stdout' | 'stderr' | 'display' | 'result' | 'error';

/** Where a terminal front end puts what a cell shows: finished blocks, and live ones redrawn in place. */
export interface TerminalView {
  print(text: string, kind: BlockKind): void;
  /** Shows or replaces the live block `id` (progress bars); undefined removes it. */
  live(id: string, text: string | undefined): void;
  /** Reads a line from the user while a cell waits for `input()`. */
  ask(prompt: string, password: boolean): Promise<string>;
}

// Rich outputs a terminal cannot draw still say what they were, so nothing vanishes silently.
const TEXT_TYPES = ['text/plain', 'text/markdown', 'text/latex'];

/** The text a terminal shows for a MIME bundle. */
export function terminalText(data: MimeBundle): string {
  for (const mime of TEXT_TYPES) if (typeof data[mime] === 'string') return data[mime] as string;
  const kinds = Object.keys(data).join(', ');
  return `[${kinds} output; open the notebook or a browser to see it]`;
}

/**
 * The output of REPL cells: stream text cut at line ends, displays as text (tables fitted to `columns`),
 * and displays with an id kept live until the cell ends, so a progress bar redraws in place.
 */
export class TerminalSink implements OutputSink {
  readonly terminal = true;
  private partial: { name: 'stdout' | 'stderr'; text: string } | undefined;
  private readonly liveIds = new Map<string, string>();

  constructor(
    private readonly view: TerminalView,
    readonly columns: number,
  ) {}

  stream(name: 'stdout' | 'stderr', text: string): void {
    if (this.partial && this.partial.name !== name) this.flushPartial();
    const joined = (this.partial?.text ?? '') + text;
    const cut = joined.lastIndexOf('\n');
    if (cut >= 0) this.view.print(joined.slice(0, cut), name);
    const rest = joined.slice(cut + 1);
    this.partial = rest ? { name, text: rest } : undefined;
  }

  display(data: MimeBundle, options: DisplayOptions = {}): void {
    this.flushPartial();
    const text = terminalText(data);
    if (!options.displayId) return this.view.print(text, 'display');
    this.liveIds.set(options.displayId, text);
    this.view.live(options.displayId, text);
  }

  clearOutput(): void {
    for (const id of this.liveIds.keys()) this.view.live(id, undefined);
    this.liveIds.clear();
  }

  input(prompt: string, password: boolean): Promise<string> {
    this.flushPartial();
    return this.view.ask(prompt, password);
  }

  /** Called when the cell ends: pending text is printed, live displays become ordinary output in their final state. */
  finish(): void {
    this.flushPartial();
    for (const [id, text] of this.liveIds) {
      this.view.live(id, undefined);
      this.view.print(text, 'display');
    }
    this.liveIds.clear();
  }

  private flushPartial(): void {
    if (!this.partial) return;
    this.view.print(this.partial.text, this.partial.name);
    this.partial = undefined;
  }
}
