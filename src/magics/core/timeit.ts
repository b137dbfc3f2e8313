import { performance } from 'node:perf_hooks';
import { JUPYTER_DISPLAY } from '../../display/mime.js';
import { DataKernelError, UsageError } from '../../errors.js';
import { defineMagic } from '../magic.js';
import { formatDuration } from './duration.js';

/** What `%timeit -o` returns: seconds per loop for each run, and their summary. */
export interface TimeitResult {
  loops: number;
  repeat: number;
  /** Seconds per loop, one value per run. */
  runs: number[];
  best: number;
  worst: number;
  mean: number;
  stdev: number;
}

type Timer = (loops: number) => Promise<number>;

// Like IPython: the loop count grows 1, 2, 5, 10, 20, 50... until one run takes at least this long.
const MIN_RUN_SECONDS = 0.2;

function positiveInt(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`%timeit: ${flag} needs a whole number >= 1, got '${value}'`, 'Usage: %timeit [-n N] [-r R] CODE');
  return n;
}

/**
 * Compiles the code once into a function that runs it `loops` times and returns the seconds taken, so the
 * measurement holds the code, not the transpiler. Code with `await` (or magics) gets an async loop.
 */
async function compileTimer(code: string, evaluate: (code: string) => Promise<unknown>): Promise<Timer> {
  const isAsync = /\bawait\b/.test(code) || /^\s*[%!]/m.test(code);
  const loop = `(${isAsync ? 'async ' : ''}(__dk_loops, __dk_now) => {\nconst __dk_start = __dk_now();\nfor (let __dk_i = 0; __dk_i < __dk_loops; __dk_i++) {\n${code}\n}\nreturn (__dk_now() - __dk_start) / 1000;\n})`;
  const fn = (await evaluate(loop)) as (loops: number, now: () => number) => number | Promise<number>;
  if (typeof fn !== 'function') throw new DataKernelError('%timeit: could not compile the code', 'Give statements or an expression, without import declarations.');
  const now = () => performance.now();
  return async (loops) => await fn(loops, now);
}

function summarize(runs: number[], loops: number): TimeitResult {
  const mean = runs.reduce((a, b) => a + b, 0) / runs.length;
  const stdev = Math.sqrt(runs.reduce((a, b) => a + (b - mean) ** 2, 0) / runs.length);
  return { loops, repeat: runs.length, runs, best: Math.min(...runs), worst: Math.max(...runs), mean, stdev };
}

/** IPython's line: `1.23 µs ± 4.5 ns per loop (mean ± std. dev. of 7 runs, 100,000 loops each)`, plus the best run. */
export function timeitText(result: TimeitResult): string {
  const runs = `${result.repeat} run${result.repeat === 1 ? '' : 's'}`;
  const loops = `${result.loops.toLocaleString('en-US')} loop${result.loops === 1 ? '' : 's'} each`;
  const lines = [`${formatDuration(result.mean)} ± ${formatDuration(result.stdev)} per loop (mean ± std. dev. of ${runs}, ${loops}); best ${formatDuration(result.best)}`];
  if (result.best > 0 && result.worst / result.best > 4) {
    lines.unshift(`The slowest run took ${(result.worst / result.best).toFixed(2)} times longer than the fastest. This could mean that an intermediate result is being cached.`);
  }
  return lines.join('\n');
}

export default defineMagic({
  name: 'timeit',
  kind: 'both',
  summary: 'Time code over many loops: mean ± std. dev. per loop, and the best',
  description:
    'Runs the code N times per run, R runs, and reports the time per loop. Without -n the loop count is ' +
    'chosen so one run takes at least 0.2 s (1, 2, 5, 10, 20, 50, ...), as IPython does. Definitions made by ' +
    'the code stay local to the loop. `%%timeit` times the cell body.',
  args: {
    options: {
      number: { type: 'string', short: 'n', description: 'loops per run (default: chosen automatically)', valueName: 'N' },
      repeat: { type: 'string', short: 'r', description: 'number of runs', valueName: 'R', default: '7' },
      output: { type: 'boolean', short: 'o', description: 'return the TimeitResult as the cell\'s value' },
      quiet: { type: 'boolean', short: 'q', description: 'print nothing' },
    },
    rawRest: { name: 'CODE', description: 'the code to time (for %%timeit: the cell body)', optional: true },
  },
  async run({ args, body }, ctx) {
    const code = body ?? args.rest;
    if (!code.trim()) throw new UsageError('%timeit: nothing to time', 'Usage: %timeit [-n N] [-r R] CODE');
    const repeat = positiveInt(args.options.repeat, '-r') ?? 7;
    let loops = positiveInt(args.options.number, '-n');
    const timer = await compileTimer(code, (source) => ctx.evaluate(source));
    if (loops === undefined) {
      calibrate: for (let scale = 1; ; scale *= 10) {
        for (const step of [1, 2, 5]) {
          loops = scale * step;
          if ((await timer(loops)) >= MIN_RUN_SECONDS) break calibrate;
        }
      }
    }
    const runs: number[] = [];
    for (let i = 0; i < repeat; i++) runs.push((await timer(loops!)) / loops!);
    const result = summarize(runs, loops!);
    if (!args.options.quiet) ctx.output.stream('stdout', `${timeitText(result)}\n`);
    return args.options.output ? Object.assign(result, { [JUPYTER_DISPLAY]: () => ({ 'text/plain': timeitText(result) }) }) : undefined;
  },
});
