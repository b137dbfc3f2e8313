import { defineMagic } from '../magic.js';

export default defineMagic({
  name: 'pwd',
  kind: 'line',
  summary: 'Show the current working directory',
  description: 'Relative paths in magics, imports and file reads start here; %cd changes it.',
  args: {},
  run: (_call, ctx) => ctx.cwd(),
});
