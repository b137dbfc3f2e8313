import { join } from 'node:path';
import type { FaultFixture } from './fault-case.js';
import { filesDigest } from './digest.js';
import { KernelFixture } from './kernel-fixture.js';

/** State every kernel group defines before its cases, and how it is checked after each. */
const KEPT = 'const kept = { n: 42, s: "kept", at: [1, 2, 3] }';
const KEPT_CHECK = 'JSON.stringify(kept)';
const KEPT_VALUE = `'{"n":42,"s":"kept","at":[1,2,3]}'`;

/** A group's fixture on one kernel: state checked by a variable, data by the digest of the `data` folder (and `extraDigest`). */
export interface KernelGroupFixture extends FaultFixture {
  kernel: KernelFixture;
  /** The kernel's `data` folder, whose files no case may change. */
  dataDir: string;
}

export async function openKernelGroup(
  options: { env?: Record<string, string>; setup?: string[]; stateCheck?: () => Promise<boolean>; extraDigest?: () => Promise<string> } = {},
): Promise<KernelGroupFixture> {
  const kernel = await KernelFixture.start({ env: options.env });
  const dataDir = join(kernel.workDir, 'data');
  for (const code of [`import { mkdirSync } from 'node:fs'; mkdirSync('data', { recursive: true })`, KEPT, ...(options.setup ?? [])]) {
    const run = await kernel.run(code);
    if (run.status !== 'ok') throw new Error(`group setup failed at ${code}:\n${run.text}`);
  }
  return {
    kernel,
    dataDir,
    alive: () => kernel.alive(),
    stateIntact: async () => (await kernel.run(KEPT_CHECK)).text === KEPT_VALUE && (options.stateCheck ? await options.stateCheck() : true),
    dataDigest: async () => filesDigest(dataDir) + (options.extraDigest ? await options.extraDigest() : ''),
    leakSurfaces: async () => kernel.leakSurfaces(),
    close: () => kernel.close(),
  };
}
