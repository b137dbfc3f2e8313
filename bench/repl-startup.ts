// First-prompt latency of `datakernel repl` in a real terminal (tmux), against Node's own REPL measured the
// same way in the same run. Target: <= 0.5 s.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const cli = join(import.meta.dirname, '../bin/datakernel.js');
const runs = process.env.BENCH_QUICK ? 3 : 7;
// A tmux server per measurement: a new session on a server that is still shutting down fails.
let serverCount = 0;
let socket = '';
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const history = join(mkdtempSync(join(tmpdir(), 'dk-bench-')), 'history.jsonl');

function firstPrompt(command: string, prompt: RegExp): number {
  socket = `dk-bench-${process.pid}-${++serverCount}`;
  const started = performance.now();
  tmux('new-session', '-d', '-s', 'b', '-x', '120', '-y', '30', '-e', `DATAKERNEL_HISTORY_FILE=${history}`, command);
  try {
    for (;;) {
      if (prompt.test(tmux('capture-pane', '-p', '-t', 'b'))) return (performance.now() - started) / 1000;
      if (performance.now() - started > 30_000) throw new Error(`no prompt from ${command}`);
      execFileSync('sleep', ['0.005']);
    }
  } finally {
    tmux('kill-server');
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ours: number[] = [];
const node: number[] = [];
for (let i = 0; i < runs; i++) {
  ours.push(firstPrompt(`node ${cli} repl`, /In \[1\]:/));
  node.push(firstPrompt('node', /^>\s*$/m));
}
const a = median(ours);
const b = median(node);
console.log(`repl first prompt: ${a.toFixed(3)} s (${(a / b).toFixed(2)}x node's REPL at ${b.toFixed(3)} s; target <= 0.5 s)`);
