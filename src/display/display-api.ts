import { randomUUID } from 'node:crypto';
import { formatNow } from './format.js';
import type { MimeBundle } from './mime.js';
import { currentOutput } from './output.js';

export interface DisplayCallOptions {
  /** Gives the output an id so `display.update(id, value)` can replace it later. */
  displayId?: string;
  /** Shows the value as raw data of these MIME types instead of formatting it. */
  raw?: boolean;
  metadata?: Record<string, unknown>;
}

function sink() {
  const out = currentOutput();
  if (!out) throw new Error('display() needs a running cell or a front end');
  return out;
}

// Resolves to nothing, so `display(x)` as a cell's last line shows x once, not a second time as the result.
async function show(value: unknown, options: DisplayCallOptions, update: boolean): Promise<void> {
  const displayId = options.displayId ?? randomUUID();
  const formatted = options.raw ? (value as MimeBundle) : formatNow(value);
  const data = formatted instanceof Promise ? await formatted : formatted;
  sink().display(data, { displayId, update, metadata: options.metadata });
}

const typed = (mime: string) => (data: string | object, options: DisplayCallOptions = {}) =>
  show({ [mime]: data, 'text/plain': `<${mime}>` }, { ...options, raw: true }, false);

/** Shows any value (its MIME bundle) under the running cell; give it a displayId to update it in place later. */
export const display = Object.assign((value: unknown, options: DisplayCallOptions = {}) => show(value, options, false), {
  html: typed('text/html'),
  markdown: typed('text/markdown'),
  svg: typed('image/svg+xml'),
  png: (data: string | Uint8Array, options?: DisplayCallOptions) =>
    typed('image/png')(typeof data === 'string' ? data : Buffer.from(data).toString('base64'), options),
  jpeg: (data: string | Uint8Array, options?: DisplayCallOptions) =>
    typed('image/jpeg')(typeof data === 'string' ? data : Buffer.from(data).toString('base64'), options),
  json: typed('application/json'),
  latex: typed('text/latex'),
  /** Replaces the output shown with `displayId`. */
  update: (displayId: string, value: unknown, options: DisplayCallOptions = {}) => show(value, { ...options, displayId }, true),
});

/** Clears the cell's output; with `wait`, only when the next output arrives (no flicker). */
export function clearOutput(options: { wait?: boolean } = {}): void {
  sink().clearOutput(options.wait ?? false);
}

/** Asks the user for a line of text (Jupyter input_request; the REPL's prompt). */
export const input = Object.assign((prompt = '', options: { password?: boolean } = {}) => sink().input(prompt, options.password ?? false), {
  /** Asks for a secret: the front end hides what is typed. */
  password: (prompt = 'Password: ') => sink().input(prompt, true),
});
