import { closeSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirectory } from '../fs/make-directory.js';

/**
 * Appends every request row to a JSONL file (features plus `_model`, `_version`, `_logged_at`), so %drift
 * can compare live traffic with the training data. Each batch is one synchronous append of whole lines: it is
 * in the file when the response goes out (a %drift right after reads it all), and worker processes sharing
 * the file never interleave their lines.
 */
export class InputLog {
  private fd: number | undefined;

  constructor(readonly path: string) {
    makeDirectory(dirname(path));
    this.fd = openSync(path, 'a');
  }

  append(model: string, version: string, rows: readonly Record<string, unknown>[]): void {
    if (this.fd === undefined) return;
    const loggedAt = new Date().toISOString();
    let text = '';
    for (const row of rows) text += `${JSON.stringify({ ...row, _model: model, _version: version, _logged_at: loggedAt })}\n`;
    writeSync(this.fd, text);
  }

  /** Closes the file; later appends are dropped. */
  async close(): Promise<void> {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
