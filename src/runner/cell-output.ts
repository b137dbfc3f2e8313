import type { MimeBundle } from '../display/mime.js';
import type { DisplayOptions, OutputSink } from '../display/output.js';
import { DataKernelError } from '../errors.js';
import type { NotebookOutput } from './notebook.js';

type DisplayOutput = Extract<NotebookOutput, { output_type: 'display_data' }>;

/** Outputs by display id across the whole notebook: an update in a later cell replaces them in place (as nbclient does). */
export type DisplayIndex = Map<string, DisplayOutput[]>;

/** The output of one cell while it runs, recorded as nbformat outputs. */
export class CellOutput implements OutputSink {
  readonly outputs: NotebookOutput[] = [];
  private clearOnNext = false;

  constructor(
    private readonly displays: DisplayIndex,
    /** Called with each new or updated output (for --log-output). */
    private readonly onOutput?: (output: NotebookOutput) => void,
  ) {}

  private add(output: NotebookOutput): void {
    if (this.clearOnNext) {
      this.clearOnNext = false;
      this.outputs.length = 0;
    }
    this.outputs.push(output);
    this.onOutput?.(output);
  }

  stream(name: 'stdout' | 'stderr', text: string): void {
    const last = this.outputs.at(-1);
    if (!this.clearOnNext && last?.output_type === 'stream' && last.name === name) {
      last.text += text;
      this.onOutput?.({ output_type: 'stream', name, text });
    } else this.add({ output_type: 'stream', name, text });
  }

  display(data: MimeBundle, options: DisplayOptions = {}): void {
    const { displayId, update, metadata = {} } = options;
    if (update) {
      for (const output of (displayId && this.displays.get(displayId)) || []) Object.assign(output, { data, metadata });
      return;
    }
    const output: DisplayOutput = { output_type: 'display_data', data, metadata };
    if (displayId) this.displays.set(displayId, [...(this.displays.get(displayId) ?? []), output]);
    this.add(output);
  }

  clearOutput(wait: boolean): void {
    if (wait) this.clearOnNext = true;
    else this.outputs.length = 0;
  }

  async input(): Promise<string> {
    throw new DataKernelError('A cell asked for input, but a notebook run has no one to ask', 'Pass the value as a parameter instead: datakernel run IN OUT -p NAME VALUE.');
  }

  /** Records the cell's result (its last expression). */
  result(data: MimeBundle, executionCount: number): void {
    this.add({ output_type: 'execute_result', execution_count: executionCount, data, metadata: {} });
  }

  /** Records the cell's error. */
  error(ename: string, evalue: string, traceback: string[]): void {
    this.add({ output_type: 'error', ename, evalue, traceback });
  }
}
