import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DisplayOptions, OutputSink } from '../../src/display/output.js';
import { runWithOutput } from '../../src/display/output.js';
import type { MimeBundle } from '../../src/display/mime.js';
import type { MagicContext } from '../../src/magics/magic.js';
import { invokeMagic } from '../../src/magics/invoke.js';
import { Session } from '../../src/session/session.js';

export interface RecordedOutput {
  kind: 'stream' | 'display' | 'clear';
  name?: string;
  text?: string;
  data?: MimeBundle;
  options?: DisplayOptions;
}

/** An OutputSink that keeps everything, for assertions. */
export class RecordingSink implements OutputSink {
  readonly outputs: RecordedOutput[] = [];
  answers: string[] = [];
  stream(name: 'stdout' | 'stderr', text: string): void {
    this.outputs.push({ kind: 'stream', name, text });
  }
  display(data: MimeBundle, options?: DisplayOptions): void {
    this.outputs.push({ kind: 'display', data, options });
  }
  clearOutput(): void {
    this.outputs.push({ kind: 'clear' });
  }
  async input(): Promise<string> {
    const answer = this.answers.shift();
    if (answer === undefined) throw new Error('no input scripted');
    return answer;
  }
  text(): string {
    return this.outputs.map((o) => o.text ?? (o.data?.['text/plain'] as string | undefined) ?? '').join('\n');
  }
}

/** A MagicContext over plain maps and a fresh project folder: enough to test magics without a kernel. */
export class TestMagicContext implements MagicContext {
  readonly variables = new Map<string, unknown>();
  readonly output = new RecordingSink();
  cellSource = '';
  nextInput: string | undefined;
  constructor(readonly session: Session = new Session(mkdtempSync(join(tmpdir(), 'dk-test-')))) {}
  cwd(): string {
    return this.session.projectDir;
  }
  hasVariable(name: string): boolean {
    return this.variables.has(name);
  }
  getVariable(name: string): unknown {
    return this.variables.get(name);
  }
  setVariable(name: string, value: unknown): void {
    this.variables.set(name, value);
  }
  variableNames(): string[] {
    return [...this.variables.keys()];
  }
  setNextInput(text: string): void {
    this.nextInput = text;
  }
  async evaluate(code: string): Promise<unknown> {
    throw new Error(`TestMagicContext cannot evaluate TypeScript: ${code}`);
  }
  /** Runs a line magic (`%name line`) or, with a body, a cell magic, with this context's sink as output. */
  magic(name: string, line = '', body?: string): Promise<unknown> {
    return runWithOutput(this.output, () => invokeMagic(name, line, body, this));
  }
}
