import type { OutputSink } from '../display/output.js';
import type { MagicContext } from '../magics/magic.js';
import type { Session } from '../session/session.js';

/** What the engine lends a magic while one cell runs. */
export interface CellServices {
  session: Session;
  output: OutputSink;
  cellSource: string;
  evaluate(code: string): Promise<unknown>;
  userVariables(): string[];
  setNextInput(text: string): void;
  declare(name: string): void;
}

/** A MagicContext over the engine's globals: notebook variables are properties of globalThis. */
export function magicContext(services: CellServices): MagicContext {
  const scope = globalThis as unknown as Record<string, unknown>;
  return {
    session: services.session,
    output: services.output,
    cellSource: services.cellSource,
    cwd: () => process.cwd(),
    hasVariable: (name) => Object.hasOwn(scope, name),
    getVariable: (name) => scope[name],
    setVariable: (name, value) => {
      scope[name] = value;
      services.declare(name);
    },
    variableNames: () => services.userVariables(),
    evaluate: (code) => services.evaluate(code),
    setNextInput: (text) => services.setNextInput(text),
  };
}
