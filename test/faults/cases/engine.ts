/*
 * Engine faults: bad cells, runaway cells (spinning, never settling, allocating to the heap limit), errors
 * outside cells, huge results, prompts for passwords, and a long session's memory. One kernel with a small heap
 * (so the heap case is quick), over ZeroMQ.
 */
import type { FaultCase, FaultGroup } from '../harness/fault-case.js';
import { openKernelGroup, type KernelGroupFixture } from '../harness/kernel-group.js';
import { SECRETS } from '../harness/secrets.js';

type Case = FaultCase<KernelGroupFixture>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const HEAP_MB = 256;

const cases: Case[] = [
  {
    name: 'syntax error',
    expected: 'SyntaxError naming the line and what was expected',
    match: /^\[error\] SyntaxError: .*(Expected|Unexpected)[\s\S]*line 2|^\[error\] SyntaxError[\s\S]*2:/,
    run: (f) => f.kernel.observe('const ok = 1;\nconst broken = (1 + ;'),
  },
  {
    name: 'undefined name',
    expected: 'ReferenceError naming the variable',
    match: /^\[error\] ReferenceError: notDefinedAnywhere is not defined/,
    run: (f) => f.kernel.observe('notDefinedAnywhere + 1'),
  },
  {
    name: 'throw of a non-Error (a number)',
    expected: 'an error showing the thrown value',
    match: /^\[error\] .*42/,
    run: (f) => f.kernel.observe('throw 42'),
  },
  {
    name: 'throw null',
    expected: 'an error showing null, not a crash in the formatter',
    match: /^\[error\] .*null/,
    run: (f) => f.kernel.observe('throw null'),
  },
  {
    name: 'rejected await with a plain object',
    expected: 'an error that shows the object',
    match: /^\[error\] Uncaught: \{ code: 'E_FAULT' \}/,
    run: (f) => f.kernel.observe('await Promise.reject({ code: "E_FAULT" })'),
  },
  {
    name: 'throw of a BigInt and of an object with a cycle',
    expected: 'both shown (10n, <ref *1> { self: [Circular *1] }), not a crash of the error formatter',
    match: /^\[error\] Uncaught: 10n[\s\S]*\n\[error\] Uncaught: <ref \*1> \{ self: \[Circular \*1\] \}/,
    run: async (f) => `${await f.kernel.observe('throw 10n')}\n${await f.kernel.observe('const loop: any = {}; loop.self = loop; throw loop')}`,
  },
  {
    name: 'stack overflow',
    expected: 'RangeError: Maximum call stack size exceeded',
    match: /^\[error\] RangeError: Maximum call stack size exceeded/,
    run: (f) => f.kernel.observe('const recurse = (n: number): number => recurse(n + 1) + 1;\nrecurse(0)'),
  },
  {
    name: 'infinite loop, interrupted',
    expected: 'KeyboardInterrupt; state kept',
    match: /^\[error\] KeyboardInterrupt: Execution interrupted/,
    run: (f) => f.kernel.observe('let spins = 0;\nwhile (true) { spins++ }', { timeoutMs: 500 }),
  },
  {
    name: 'never-settling await, interrupted',
    expected: 'KeyboardInterrupt',
    match: /^\[error\] KeyboardInterrupt: Execution interrupted/,
    run: (f) => f.kernel.observe('await new Promise(() => {})', { timeoutMs: 500 }),
  },
  {
    name: 'a cell allocating until the heap limit',
    expected: 'the cell is stopped near the limit with what to do (work on less, free variables, a bigger heap); the kernel lives',
    match: /^\[error\] HeapLimitError: The cell was stopped: the kernel's heap is at \d+ MB of its \d+ MB limit[\s\S]*max-old-space-size/,
    timeoutMs: 60_000,
    run: (f) => f.kernel.observe('function hog() { const chunks = []; while (true) chunks.push(new Array(100_000).fill(1.5)); }\nhog()'),
  },
  {
    name: 'unhandled promise rejection from a cell',
    expected: 'reported as an unhandled rejection with its message; the kernel goes on',
    match: /Unhandled promise rejection[\s\S]*late boom/,
    run: (f) => f.kernel.observe('Promise.reject(new Error("late boom"));\nawait new Promise((r) => setTimeout(r, 100));\n"after"'),
  },
  {
    name: 'exception thrown in a timer callback',
    expected: 'reported as an uncaught exception in a callback; the kernel goes on',
    match: /Uncaught exception in a callback[\s\S]*timer boom/,
    run: (f) => f.kernel.observe('setTimeout(() => { throw new Error("timer boom") }, 10);\nawait new Promise((r) => setTimeout(r, 100));\n"after"'),
  },
  {
    name: 'process.exit() in a cell',
    expected: 'an error saying it would end the kernel, and how to restart instead',
    match: /^\[error\] DataKernelError: process\.exit\(3\) would end the kernel[\s\S]*Restart/,
    run: (f) => f.kernel.observe('process.exit(3)'),
  },
  {
    name: 'import of a package that is not installed',
    expected: 'an error naming the package and how to install it',
    match: /^\[error\][\s\S]*no-such-package-faults[\s\S]*npm install/i,
    run: (f) => f.kernel.observe('import x from "no-such-package-faults";\nx'),
  },
  {
    name: 'unknown magic',
    expected: 'an error naming the magic and pointing to %lsmagic',
    match: /^\[error\][\s\S]*nosuchmagic[\s\S]*%lsmagic/,
    run: (f) => f.kernel.observe('%nosuchmagic arg'),
  },
  {
    name: 'magic with an unknown option',
    expected: 'a usage error naming the option, with the usage line',
    match: /^\[error\][\s\S]*--bogus[\s\S]*Usage: %connect/,
    run: (f) => f.kernel.observe('%connect x y --bogus'),
  },
  {
    name: 'a huge result (5 million element array)',
    expected: 'shown abbreviated: the output stays small and arrives quickly',
    match: /^shown: \d{1,6} chars; ok$/,
    run: async (f) => {
      const run = await f.kernel.run('Array.from({ length: 5_000_000 }, (_, i) => i)');
      return `shown: ${run.text.length} chars; ${run.status}`;
    },
  },
  {
    name: 'a huge printed output (20 MB in one console.log)',
    expected: 'delivered (or cut with a note); the kernel stays responsive',
    match: /^printed: \d+ chars; ok$/,
    timeoutMs: 60_000,
    run: async (f) => {
      const run = await f.kernel.run('console.log("x".repeat(20_000_000))');
      return `printed: ${run.text.length} chars; ${run.status}`;
    },
  },
  {
    name: 'a password typed at a prompt',
    expected: 'used by the cell, never echoed, never stored in history',
    match: /^\[ok\] 'length ok'$/,
    run: (f) => f.kernel.observe(`const typed = await input.password("password: ");\ntyped.length === ${SECRETS.typed.length} ? "length ok" : "wrong"`, { answers: [SECRETS.typed] }),
  },
  {
    name: '10,000 cells in one session',
    expected: 'memory flat: heap after GC grows < 16 MB and RSS < 64 MB from cell 1,000 to 10,000',
    match: /^heap \+-?\d+(\.\d+)? MB \(ok\), rss \+-?\d+(\.\d+)? MB \(ok\)/,
    timeoutMs: 120_000,
    run: async (f) => {
      const measure = async () => {
        const run = await f.kernel.run(
          'const { setFlagsFromString } = await import("node:v8"); setFlagsFromString("--expose-gc"); const gcNow = (await import("node:vm")).runInNewContext("gc"); gcNow(); gcNow();\nJSON.stringify({ heap: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss })',
        );
        return JSON.parse(run.text.slice(1, -1)) as { heap: number; rss: number };
      };
      const cells = async (from: number, to: number) => {
        for (let start = from; start < to; start += 200) {
          await Promise.all(Array.from({ length: 200 }, (_, i) => f.kernel.run(`kept.n + ${start + i}`)));
        }
      };
      await cells(0, 1000);
      const before = await measure();
      await cells(1000, 10_000);
      const after = await measure();
      const heap = (after.heap - before.heap) / 2 ** 20;
      const rss = (after.rss - before.rss) / 2 ** 20;
      return `heap +${heap.toFixed(1)} MB (${heap < 16 ? 'ok' : 'grew'}), rss +${rss.toFixed(1)} MB (${rss < 64 ? 'ok' : 'grew'})`;
    },
  },
  {
    name: 'output printed from a loop, then interrupted',
    expected: 'the output printed before the interrupt is shown, then KeyboardInterrupt',
    match: /tick 0[\s\S]*KeyboardInterrupt/,
    run: async (f) => {
      const observed = await f.kernel.observe('let ticks = 0;\nwhile (true) { if (ticks++ % 1e7 === 0) console.log(`tick ${ticks - 1}`) }', { timeoutMs: 800 });
      await sleep(100);
      return observed;
    },
  },
];

export const engineFaults: FaultGroup<KernelGroupFixture> = {
  name: 'engine',
  open: () => openKernelGroup({ env: { NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` } }),
  cases,
};
