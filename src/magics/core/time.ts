import { performance } from 'node:perf_hooks';
import { UsageError } from '../../errors.js';
import { defineMagic } from '../magic.js';
import { formatDuration } from './duration.js';

export default defineMagic({
  name: 'time',
  kind: 'both',
  summary: 'Time one run of code (wall and CPU time)',
  description:
    '`%time CODE` or a `%%time` cell runs the code once, prints the CPU time (user, system) and the wall time, ' +
    'and gives the code\'s value as the result. CPU time is the whole process\'s, as the code may start work ' +
    'on other threads.',
  args: { rawRest: { name: 'CODE', description: 'the code to run (for %%time: the cell body)', optional: true } },
  async run({ args, body }, ctx) {
    const code = body ?? args.rest;
    if (!code.trim()) throw new UsageError('%time: nothing to time', 'Usage: %time CODE, or %%time on the first line of a cell.');
    const cpu = process.cpuUsage();
    const start = performance.now();
    try {
      return await ctx.evaluate(code);
    } finally {
      const wall = (performance.now() - start) / 1000;
      const { user, system } = process.cpuUsage(cpu);
      const line = `CPU times: user ${formatDuration(user / 1e6)}, sys ${formatDuration(system / 1e6)}, total ${formatDuration((user + system) / 1e6)}`;
      ctx.output.stream('stdout', `${line}\nWall time: ${formatDuration(wall)}\n`);
    }
  },
});
