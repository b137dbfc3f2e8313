import { DataKernelError } from '../../src/errors.js';
import type { DisplayOptions, OutputSink } from '../../src/display/output.js';
import type { MimeBundle } from '../../src/display/mime.js';
import type { Message } from '../protocol/message.js';

export interface RequestChannels {
  /** Publishes on IOPub with the request as parent. */
  publish(msgType: string, content: Record<string, unknown>): void;
  /** Asks the client on stdin and resolves with its input_reply. */
  ask(prompt: string, password: boolean): Promise<string>;
}

// Stream text waits at most this long while the thread is blocked (ipykernel flushes every 200 ms).
const STREAM_LATENCY_MS = 100;

/**
 * The output of one execute_request: streams coalesced per tick (a loop of console.log sends a few messages,
 * not thousands), displays, updates, clear_output and input, all with the request as parent. A cell that
 * blocks the thread (a long synchronous loop) never reaches the next tick: its text goes out once it is
 * STREAM_LATENCY_MS old, from the next write or from `flushStale`, which the cell's loops call.
 */
export class KernelOutput implements OutputSink {
  private pending: { name: 'stdout' | 'stderr'; text: string; since: number } | undefined;
  private flushScheduled = false;

  constructor(
    private readonly channels: RequestChannels,
    private readonly request: Message,
  ) {}

  stream(name: 'stdout' | 'stderr', text: string): void {
    if (this.pending && this.pending.name !== name) this.flush();
    if (this.pending) this.pending.text += text;
    else this.pending = { name, text, since: performance.now() };
    if (performance.now() - this.pending.since >= STREAM_LATENCY_MS) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Sends stream text that has waited too long: a blocked thread's loops call this. */
  flushStale(): void {
    if (this.pending && performance.now() - this.pending.since >= STREAM_LATENCY_MS) this.flush();
  }

  /** Sends buffered stream text; called before any other message so order is kept. */
  flush(): void {
    this.flushScheduled = false;
    if (!this.pending) return;
    const { name, text } = this.pending;
    this.pending = undefined;
    this.channels.publish('stream', { name, text });
  }

  display(data: MimeBundle, options: DisplayOptions = {}): void {
    this.flush();
    const content: Record<string, unknown> = { data, metadata: options.metadata ?? {}, transient: options.displayId ? { display_id: options.displayId } : {} };
    this.channels.publish(options.update ? 'update_display_data' : 'display_data', content);
  }

  clearOutput(wait: boolean): void {
    this.flush();
    this.channels.publish('clear_output', { wait });
  }

  async input(prompt: string, password: boolean): Promise<string> {
    this.flush();
    if (!this.request.content.allow_stdin) {
      throw new DataKernelError('This front end does not accept input', 'Run the cell from a front end with a stdin channel (JupyterLab, Notebook, jupyter console), or set the value in code.');
    }
    return this.channels.ask(prompt, password);
  }
}
