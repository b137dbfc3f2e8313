import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TmuxTerminal } from '../helpers/tmux.js';

const cli = join(import.meta.dirname, '../../bin/datakernel.js');
const terminals: TmuxTerminal[] = [];

function startRepl(historyFile: string, cwd: string): TmuxTerminal {
  const terminal = new TmuxTerminal(`node '${cli}' repl`, { cwd, env: { DATAKERNEL_HISTORY_FILE: historyFile } });
  terminals.push(terminal);
  return terminal;
}

async function enter(terminal: TmuxTerminal, line: string, expected: RegExp | string): Promise<string> {
  terminal.type(line);
  await terminal.waitFor(line);
  terminal.press('Enter');
  return terminal.waitFor(expected);
}

afterEach(() => terminals.splice(0).forEach((t) => t.close()));

describe('datakernel repl in a real terminal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dk-repl-'));
  const history = join(dir, 'history.jsonl');

  it('edits multi-line input, completes members, runs SQL, survives interrupts, quits on Ctrl-D', async () => {
    const repl = startRepl(history, dir);
    await repl.waitFor('In [1]:', 60_000);
    await enter(repl, 'function add(a: number, b: number) {', /\.\.\.: *$/m);
    await enter(repl, 'return a + b', /return a \+ b\n.*\.\.\.: *$/m);
    await enter(repl, '}', 'In [2]:');
    await enter(repl, 'add(2, 3)', 'Out[2]: 5');

    await enter(repl, 'const prices = { profit: 1, price: 2 }', 'In [4]:');
    repl.type('prices.prof');
    repl.press('Tab');
    await repl.waitFor('In [4]: prices.profit');
    repl.press('Enter');
    await repl.waitFor('Out[4]: 1');

    await enter(repl, '%sql SELECT 40 + 2 AS answer', /answer[\s\S]*42/);

    await enter(repl, 'let n = 0', 'In [7]:');
    await enter(repl, 'while (true) { n++ }', 'while (true) { n++ }');
    await new Promise((resolve) => setTimeout(resolve, 500));
    repl.press('C-c');
    await repl.waitFor('KeyboardInterrupt');
    await enter(repl, 'n > 0', /Out\[8\]: true/);

    await enter(repl, 'await new Promise(() => {})', 'await new Promise(() => {})');
    await new Promise((resolve) => setTimeout(resolve, 300));
    repl.press('C-c');
    await repl.waitFor(/KeyboardInterrupt[\s\S]*KeyboardInterrupt/);
    await enter(repl, 'add(n > 0 ? 1 : 0, 1)', 'Out[10]: 2');

    repl.press('C-d');
    await repl.waitFor('[exit 0]');
  }, 240_000);

  it('recalls history from the previous session with Up and Ctrl-R', async () => {
    const repl = startRepl(history, dir);
    await repl.waitFor('In [1]:', 60_000);
    repl.press('Up');
    await repl.waitFor('In [1]: add(n > 0 ? 1 : 0, 1)');
    repl.press('C-u');
    repl.press('C-r');
    repl.type('function ad');
    await repl.waitFor("(reverse-i-search)'function ad': function add(a: number, b: number) {");
    repl.press('Enter');
    await repl.waitFor(/In \[1\]: function add\(a: number, b: number\) \{\n.*return a \+ b/);
    // The cursor sits at the end of the recalled definition, which is complete: Enter runs it.
    repl.press('Enter');
    await repl.waitFor('In [2]:');
    await enter(repl, 'add(20, 22)', 'Out[2]: 42');
    repl.press('C-d');
    await repl.waitFor('[exit 0]');
  }, 240_000);
});
