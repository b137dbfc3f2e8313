import { format } from '../../display/format.js';
import { DataKernelError, UsageError } from '../../errors.js';
import { defineMagic, type MagicContext } from '../magic.js';

const SUBCOMMANDS = {
  show: { targets: 1, usage: '%schema [show] TARGET' },
  diff: { targets: 2, usage: '%schema diff SOURCE DEST [--fail-on breaking|change]' },
  snapshot: { targets: 1, usage: '%schema snapshot TARGET' },
  drift: { targets: 1, usage: '%schema drift TARGET [--fail-on breaking|change]' },
  history: { targets: 1, usage: '%schema history TARGET' },
  timeline: { targets: 1, usage: '%schema timeline STREAM' },
  check: { targets: 1, usage: '%schema check TARGET --contract FILE [--object NAME] [--sample N] [--fail-on failure]' },
  contract: { targets: 1, usage: '%schema contract TARGET [--out FILE] [--force]' },
} as const;

type Subcommand = keyof typeof SUBCOMMANDS;

const isSubcommand = (word: string): word is Subcommand => Object.hasOwn(SUBCOMMANDS, word);

function failOnLevel(value: string | undefined, allowed: readonly string[], subcommand: Subcommand): string | undefined {
  if (value === undefined || allowed.includes(value)) return value;
  throw new UsageError(`%schema ${subcommand}: --fail-on must be ${allowed.join(' or ')}, got ${value}`, `Usage: ${SUBCOMMANDS[subcommand].usage}`);
}

function sampleSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new DataKernelError(`--sample needs a whole number, got ${value}`, 'e.g. --sample 10 shows ten failing rows per check.');
  return n;
}

export default defineMagic({
  name: 'schema',
  kind: 'line',
  summary: 'Show, compare, snapshot and check the schemas of tables, files, connections and results',
  description: [
    'TARGET is a DuckDB table or view, a file/glob/folder (.parquet/.csv/.json), a connection table',
    'NAME.schema.table, or a variable holding rows or a query result.',
    '  %schema TARGET                     columns: name, DuckDB and source type, nullability, key',
    '  %schema diff SOURCE DEST           changes from SOURCE to DEST (added, removed, renamed, type,',
    '                                     nullability, key, order), each compatible or BREAKING with why',
    '  %schema snapshot TARGET            record schema, row count and fingerprint in .datakernel/catalog.duckdb',
    '  %schema drift TARGET               changes since the last snapshot, with times',
    '  %schema history TARGET             all snapshots and what changed between them',
    '  %schema timeline STREAM            every schema change across a stream\'s messages, at the sequence it began',
    '  %schema check TARGET --contract F  validate against an ODCS v3 contract (YAML/JSON): schema, library',
    '                                     metrics, SQL rules, dbt / Great Expectations tests; failing rows shown',
    '  %schema contract TARGET [--out F]  write a starter ODCS contract from the current schema',
    'Results are values a cell can test: `d = %schema diff a b` then d.compatible, d.breaking, d.changes.',
    '--fail-on makes the cell fail (and a notebook run exit non-zero): diff/drift on `breaking` or any',
    '`change`, check on `failure`.',
  ].join('\n'),
  args: {
    positionals: [
      { name: 'command', description: 'show, diff, snapshot, drift, history, check, contract (or a TARGET to show)' },
      { name: 'targets', description: 'the target(s) of the command', optional: true, variadic: true },
    ],
    options: {
      contract: { type: 'string', valueName: 'FILE', description: 'check: the ODCS contract file (.yaml/.yml/.json)' },
      object: { type: 'string', valueName: 'NAME', description: "check: the contract's schema object to check against" },
      sample: { type: 'string', valueName: 'N', description: 'check: failing rows shown per failed check (default 5)' },
      'fail-on': { type: 'string', valueName: 'LEVEL', description: 'fail the cell: breaking|change (diff, drift), failure (check)' },
      out: { type: 'string', valueName: 'FILE', description: 'contract: write the starter contract to FILE' },
      force: { type: 'boolean', description: 'contract: replace an existing --out file' },
    },
  },
  async run({ args }, ctx: MagicContext) {
    const schema = await import('../../schema/index.js');
    const [first, ...rest] = args.positionals;
    const subcommand: Subcommand = isSubcommand(first) ? first : 'show';
    const targets = isSubcommand(first) ? rest : [first, ...rest];
    const spec = SUBCOMMANDS[subcommand];
    if (targets.length !== spec.targets) {
      throw new UsageError(`%schema ${subcommand} takes ${spec.targets === 1 ? 'one target' : 'two targets'}, got ${targets.length}`, `Usage: ${spec.usage}`);
    }
    const options = { cwd: ctx.cwd(), variables: { has: (n: string) => ctx.hasVariable(n), get: (n: string) => ctx.getVariable(n) } };
    const failOn = args.options['fail-on'] as string | undefined;
    const [target, other] = targets;
    switch (subcommand) {
      case 'show':
        return schema.schemaOf(ctx.session, target, options);
      case 'diff': {
        const level = failOnLevel(failOn, ['breaking', 'change'], subcommand) as 'breaking' | 'change' | undefined;
        const diff = await schema.compareSchemas(ctx.session, target, other, options);
        if (level && (level === 'change' ? !diff.identical : diff.breaking)) ctx.output.display(await format(diff));
        return level ? diff.failOn(level) : diff;
      }
      case 'snapshot':
        return schema.snapshotSchema(ctx.session, target, options);
      case 'drift': {
        const level = failOnLevel(failOn, ['breaking', 'change'], subcommand) as 'breaking' | 'change' | undefined;
        const drift = await schema.schemaDrift(ctx.session, target, options);
        if (level && (level === 'change' ? drift.drifted : drift.breaking)) ctx.output.display(await format(drift));
        return level ? drift.failOn(level) : drift;
      }
      case 'history':
        return schema.schemaHistory(ctx.session, target, options);
      case 'timeline': {
        const resolved = await schema.resolveTarget(ctx.session, target, options);
        if (!resolved.stream) throw new UsageError(`%schema timeline is for event streams; ${target} is a ${resolved.kind}`, 'Connect one with %connect NAME nats://... --stream S; for tables use %schema history.');
        await resolved.stream.messages.refresh();
        return resolved.stream.messages.timeline();
      }
      case 'check': {
        const contract = args.options.contract as string | undefined;
        if (!contract) throw new UsageError('%schema check needs --contract FILE', `Usage: ${spec.usage}`);
        const level = failOnLevel(failOn, ['failure'], subcommand);
        const report = await schema.checkContract(ctx.session, target, contract, { ...options, object: args.options.object as string | undefined, sample: sampleSize(args.options.sample as string | undefined) });
        if (level && !report.passed) ctx.output.display(await format(report));
        return level ? report.failOnFailure() : report;
      }
      case 'contract':
        return schema.writeStarterContract(ctx.session, target, { ...options, out: args.options.out as string | undefined, force: args.options.force === true });
    }
  },
});
