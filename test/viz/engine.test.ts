import { Console } from 'node:console';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import type { OutputSink } from '../../src/display/output.js';
import { Session } from '../../src/session/session.js';
import { RecordingSink } from '../helpers/magic-context.js';

// vitest swaps console for one that never writes to process.stdout; cells get Node's, as in a kernel.
globalThis.console = new Console({ stdout: process.stdout, stderr: process.stderr });
const engine = new Engine({ session: new Session(mkdtempSync(join(tmpdir(), 'viz-engine-'))) });
let count = 0;
const run = (code: string, sink: OutputSink = new RecordingSink()) => engine.execute({ code, executionCount: ++count }, sink);

afterAll(() => engine.shutdown());

describe('%plot in the engine', () => {
  it('shows the Unicode chart at the terminal width in a terminal, and every MIME type in a notebook', async () => {
    await run("const cities = [{ city: 'Oslo', n: 12 }, { city: 'Rome', n: 4 }, { city: 'Lima', n: 8 }]");
    const terminal = Object.assign(new RecordingSink(), { terminal: true, columns: 50 });
    const inTerminal = await run('%plot bar --data cities --x city --y n', terminal);
    expect(inTerminal.status).toBe('ok');
    const result = inTerminal.status === 'ok' ? inTerminal.result : undefined;
    expect(result?.['text/html']).toBeUndefined();
    expect(String(result?.['text/plain'])).toMatch(/Oslo │█+ 12/);
    expect(Math.max(...String(result?.['text/plain']).split('\n').map((l) => l.length))).toBeLessThanOrEqual(50);

    await run("const shares = [{ city: 'Oslo', n: 12 }, { city: 'Rome', n: 4 }]");
    const inNotebook = await run('%plot pie --data shares --x city --y n --title Shares');
    expect(inNotebook.status === 'ok' && Object.keys(inNotebook.result ?? {}).sort()).toEqual(['application/vnd.plotly.v1+json', 'image/svg+xml', 'text/html', 'text/plain']);
  });

  it('reports an unknown column as an error naming the valid columns', async () => {
    await run("const towns = [{ town: 'Oslo', n: 1 }]");
    const outcome = await run('%plot bar --data towns --x city');
    expect(outcome.status).toBe('error');
    const text = outcome.status === 'error' ? [outcome.error.evalue, ...outcome.error.traceback].join('\n') : '';
    expect(text).toContain("Unknown column 'city' for --x");
    expect(text).toContain('Valid columns: town, n');
  });
});
