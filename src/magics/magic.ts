import type { OutputSink } from '../display/output.js';
import type { Session } from '../session/session.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  description: string;
  /** Placeholder shown in usage, e.g. "VAR". */
  valueName?: string;
  multiple?: boolean;
  default?: string | boolean;
}

export interface PositionalSpec {
  name: string;
  description: string;
  optional?: boolean;
  /** Takes all remaining positionals. */
  variadic?: boolean;
}

/** A magic's arguments, declared once: parsing, `--help` and usage errors all come from it. */
export interface ArgSpec {
  positionals?: PositionalSpec[];
  options?: Record<string, OptionSpec>;
  /**
   * Options are read from the start of the line only; the rest of the line is kept verbatim in `rest`
   * (for %sql QUERY, %time CODE).
   */
  rawRest?: { name: string; description: string; optional?: boolean };
}

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | boolean | string[] | undefined>;
  /** The verbatim tail when the spec has `rawRest`. */
  rest: string;
}

/** What a magic can reach: the session's services, the notebook's variables, the engine, the output. */
export interface MagicContext {
  readonly session: Session;
  readonly output: OutputSink;
  /** Current working directory of the engine (changed by %cd). */
  cwd(): string;
  hasVariable(name: string): boolean;
  getVariable(name: string): unknown;
  setVariable(name: string, value: unknown): void;
  /** Names of the user's variables (what %who lists). */
  variableNames(): string[];
  /** Runs TypeScript (or magic) source as a cell would and returns its value. */
  evaluate(code: string): Promise<unknown>;
  /** Source of the cell running now, for run tracking. */
  readonly cellSource: string;
  /** Puts text into the front end's next input (Jupyter's set_next_input payload; the REPL's prompt). */
  setNextInput(text: string): void;
}

export interface MagicInvocation {
  args: ParsedArgs;
  /** The cell body for cell magics (%%name); undefined for line magics. */
  body?: string;
}

export type MagicKind = 'line' | 'cell' | 'both';

export interface Magic {
  name: string;
  kind: MagicKind;
  /** One line for %lsmagic. */
  summary: string;
  /** Longer help, shown by `%name --help` under the usage line. */
  description?: string;
  args: ArgSpec;
  /** The return value becomes the cell's result (undefined shows nothing). */
  run(call: MagicInvocation, ctx: MagicContext): unknown | Promise<unknown>;
}

/** Declares a magic module's default export with its type checked. */
export const defineMagic = (magic: Magic): Magic => magic;
