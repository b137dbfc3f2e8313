import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Appends every request row to a JSONL file (features plus `_model`, `_version`, `_logged_at`), so %drift
 * can compare live traffic with the training data. Several worker processes may share one file: each
 * write is one append of whole lines.
 */
export class InputLog {
  private readonly stream: WriteStream;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.stream = createWriteStream(path, { flags: 'a' });
  }

  append(model: string, version: string, rows: readonly Record<string, unknown>[]): void {
    const loggedAt = new Date().toISOString();
    let text = '';
    for (const row of rows) text += `${JSON.stringify({ ...row, _model: model, _version: version, _logged_at: loggedAt })}\n`;
    this.stream.write(text);
  }

  /** Flushes what is buffered and closes the file. */
  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }
}
