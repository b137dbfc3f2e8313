import { UsageError } from '../../errors.js';
import type { HistoryEntry, HistoryStore } from '../../history/history-store.js';
import { sharedHistory } from '../../history/kernel-history.js';
import { defineMagic } from '../magic.js';

const USAGE = 'Usage: %history [-n] [-u] [-l N] [-g PATTERN] [RANGE ...]  (RANGE: 4, 4-6, 2/1-5, ~1/3)';

/** Entries of a range like IPython's: `4`, `4-6` (inclusive) in this session, `2/4-6` in session 2, `~1/` one session back. */
export function rangeEntries(store: HistoryStore, spec: string): HistoryEntry[] {
  const match = /^(?:(~?)(\d+)\/)?(\d*)(?:-(\d*))?$/.exec(spec);
  if (!match || (!match[2] && !match[3])) throw new UsageError(`%history: bad range '${spec}'`, USAGE);
  const [, relative, session, start, stop] = match;
  const sessionNumber = session === undefined ? 0 : relative ? -Number(session) : Number(session);
  const from = start ? Number(start) : 1;
  const to = stop !== undefined ? (stop ? Number(stop) + 1 : undefined) : start ? from + 1 : undefined;
  return store.range(sessionNumber, from, to);
}

function render(entries: HistoryEntry[], numbered: boolean, current: number): string {
  return entries
    .map(([session, line, source]) => {
      if (!numbered) return source;
      const label = session === current ? `${String(line).padStart(4)}: ` : `${session}/${line}: `;
      return label + source.split('\n').join(`\n${' '.repeat(label.length)}`);
    })
    .join('\n');
}

export default defineMagic({
  name: 'history',
  kind: 'line',
  summary: 'Show input history, kept across kernel restarts',
  description:
    'Without options: every input of this session. -l N: the last N inputs of all sessions. -g PATTERN: ' +
    'inputs of all sessions containing PATTERN (a glob: * and ? work). RANGE picks lines: 4, 4-6, 2/1-5 ' +
    '(session 2), ~1/ (the previous session). The history is one file per user, shared by every kernel.',
  args: {
    options: {
      numbers: { type: 'boolean', short: 'n', description: 'show session/line numbers' },
      unique: { type: 'boolean', short: 'u', description: 'with -g or -l: each input once (its latest)' },
      limit: { type: 'string', short: 'l', description: 'the last N inputs of all sessions', valueName: 'N' },
      grep: { type: 'string', short: 'g', description: 'inputs containing this glob pattern, in all sessions', valueName: 'PATTERN' },
    },
    positionals: [{ name: 'range', description: 'lines to show: 4, 4-6, 2/1-5, ~1/', optional: true, variadic: true }],
  },
  run({ args }, ctx) {
    const store = sharedHistory();
    const { numbers, unique, limit, grep } = args.options as { numbers?: boolean; unique?: boolean; limit?: string; grep?: string };
    const count = limit === undefined ? undefined : Number(limit);
    if (count !== undefined && (!Number.isInteger(count) || count < 1)) throw new UsageError(`%history: -l needs a whole number >= 1, got '${limit}'`, USAGE);
    let entries: HistoryEntry[];
    if (grep !== undefined) entries = store.search(`*${grep}*`, count, Boolean(unique));
    else if (count !== undefined) entries = unique ? store.search('*', count, true) : store.tail(count);
    else if (args.positionals.length) entries = args.positionals.flatMap((spec) => rangeEntries(store, spec));
    else entries = store.range(0, 1, undefined);
    // -g lists inputs of many sessions: without numbers they could not be told apart, as in IPython.
    const text = render(entries, Boolean(numbers) || grep !== undefined, store.session);
    ctx.output.stream('stdout', entries.length ? `${text}\n` : 'No history matches.\n');
  },
});
