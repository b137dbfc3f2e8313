import { existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { JUPYTER_DISPLAY, type MimeBundle } from '../display/mime.js';
import { DataKernelError } from '../errors.js';
import type { Session } from '../session/session.js';
import { starterContract } from './contract/starter.js';
import { resolveTarget, type TargetOptions, type TargetSource } from './target.js';
import { makeDirectory } from '../fs/make-directory.js';

/** Options for writing a starter contract. */
export interface ContractOptions extends TargetOptions {
  /** File to write (YAML); without it the contract is only returned. */
  out?: string;
  /** Replace an existing file. @default false */
  force?: boolean;
}

/** A starter contract: its YAML text, and the file it was written to. */
export class StarterContract {
  constructor(
    readonly yaml: string,
    readonly path?: string,
  ) {}

  toString(): string {
    return this.yaml;
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return { 'text/plain': this.path ? `Wrote ${this.path}\n\n${this.yaml}` : this.yaml };
  }
}

/** Writes an ODCS v3 starter contract from a target's schema (to `out`, if given) and returns it. */
export async function writeStarterContract(session: Session, source: TargetSource, options: ContractOptions = {}): Promise<StarterContract> {
  const target = await resolveTarget(session, source, options);
  const yaml = starterContract(await target.schema(), await target.rowCount());
  if (!options.out) return new StarterContract(yaml);
  const path = resolve(options.cwd ?? session.projectDir, options.out);
  if (existsSync(path) && !options.force) {
    throw new DataKernelError(`${options.out} exists`, 'Choose another --out file, or add --force to replace it.');
  }
  makeDirectory(dirname(path));
  writeFileSync(path, yaml);
  return new StarterContract(yaml, options.out);
}
