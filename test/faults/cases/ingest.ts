/*
 * Load faults: %ingest onto a full disk (a 1 MB tmpfs), into places it cannot write, with bad options, and
 * kernels killed in the middle of %ingest and %train. The Parquet written before each case, and the model saved
 * before, must be intact after it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultCase, FaultGroup } from '../harness/fault-case.js';
import { filesDigest } from '../harness/digest.js';
import { KernelFixture, repoRoot } from '../harness/kernel-fixture.js';
import { openKernelGroup, type KernelGroupFixture } from '../harness/kernel-group.js';

interface IngestFixture extends KernelGroupFixture {
  /** The 1 MB tmpfs (or a plain folder where mounting is not allowed: then the full-disk cases say so). */
  full: string;
  mounted: boolean;
}
type Case = FaultCase<IngestFixture>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const penguins = join(repoRoot, 'node_modules/vega-datasets/data/penguins.json');

const setup = [
  "%sql CREATE TABLE small AS SELECT range AS id, md5(range::VARCHAR) AS h FROM range(100)",
  "%sql CREATE TABLE big AS SELECT range AS id, md5(range::VARCHAR) AS h FROM range(300000)",
  '%ingest small --into full/orders.parquet',
  '%ingest small --into data/orders.parquet',
  `%train faultsmodel --data ${penguins} --target Species --epochs 5`,
];

const tempFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((name) => name.includes('.dk-tmp-')) : []);

/**
 * Starts a second kernel, starts `code`, and kills the kernel with SIGKILL `after` ms later, or, given a
 * predicate, as soon as `after()` holds (checked every 10 ms; a fixed delay let a fast machine finish first).
 */
async function killedDuring(f: IngestFixture, code: string, after: number | (() => boolean)): Promise<string> {
  const victim = await KernelFixture.start();
  try {
    let settled = false;
    const running = victim.run(code).then((r) => `finished: ${r.text.slice(0, 200)}`, (error: Error) => `died: ${error.name}`);
    void running.finally(() => (settled = true));
    if (typeof after === 'number') await sleep(after);
    else for (let waited = 0; !settled && !after() && waited < 60_000; waited += 10) await sleep(10);
    victim.process.kill('SIGKILL');
    return await running;
  } finally {
    await victim.close();
  }
}

const cases: Case[] = [
  {
    name: '%ingest onto a full disk (1 MB tmpfs), replacing a file',
    expected: 'fails naming "no space left" and the fix; the old Parquet is intact; no temp file left',
    match: /^\[error\][\s\S]*The disk is full: cannot write [^\n]*full\/orders\.parquet[\s\S]*Hint: The destination is unchanged[\s\S]*\ntemp files: \[\]/,
    run: async (f) => {
      if (!f.mounted) return 'tmpfs not mounted (needs root): case not run';
      return `${await f.kernel.observe('%ingest big --into full/orders.parquet')}\ntemp files: ${JSON.stringify(tempFiles(f.full))}`;
    },
  },
  {
    name: '%ingest onto a full disk, a new dataset folder',
    expected: 'fails naming "no space left"; no partial folder or file is left',
    match: /^\[error\][\s\S]*The disk is full: cannot write [^\n]*full\/lake[\s\S]*\nleft: \["orders.parquet"\]/,
    run: async (f) => {
      if (!f.mounted) return 'tmpfs not mounted (needs root): case not run';
      const observed = await f.kernel.observe("%sql CREATE OR REPLACE TABLE parts AS SELECT *, id % 4 AS part FROM big\n%ingest parts --into full/lake --partition-by part");
      return `${observed}\nleft: ${JSON.stringify(readdirSync(f.full).filter((n) => !n.startsWith('.')))}`;
    },
  },
  {
    name: '%ingest into a path under a file (not a folder)',
    expected: 'fails naming the path and that it cannot be written; the file is unchanged',
    match: /^\[error\][\s\S]*Cannot write [^\n]*data\/orders\.parquet\/inside\.parquet[\s\S]*Hint: Load --into a folder you may write/,
    run: (f) => f.kernel.observe('%ingest small --into data/orders.parquet/inside.parquet'),
  },
  {
    name: '%ingest into a folder that cannot be made (under /proc)',
    expected: 'fails at once naming the path and that it cannot be written (Node\'s recursive mkdir spun forever there)',
    match: /^\[error\][\s\S]*Cannot write [^\n]*\/proc\/datakernel-nowhere\/lake[\s\S]*Hint: Load --into a folder you may write/,
    timeoutMs: 20_000,
    run: (f) => f.kernel.observe('%ingest small --into /proc/datakernel-nowhere/lake'),
  },
  {
    name: '%ingest of a table that does not exist',
    expected: 'names the source and how to list tables',
    match: /^\[error\][\s\S]*nosuchtable/,
    run: (f) => f.kernel.observe('%ingest nosuchtable --into data/x.parquet'),
  },
  {
    name: '%ingest --mode incremental without --cursor',
    expected: 'says --cursor is needed, with an example',
    match: /^\[error\][\s\S]*--cursor/,
    run: (f) => f.kernel.observe('%ingest small --into data/orders.parquet --mode incremental'),
  },
  {
    name: '%ingest --mode with a typo',
    expected: 'names the mode and the valid ones',
    match: /^\[error\][\s\S]*apend[\s\S]*append/,
    run: (f) => f.kernel.observe('%ingest small --into data/orders.parquet --mode apend'),
  },
  {
    name: 'a breaking schema change on %ingest',
    expected: 'stopped before writing, naming the change and --allow-breaking',
    match: /^\[error\][\s\S]*Ingest stopped[\s\S]*--allow-breaking/,
    run: (f) => f.kernel.observe('%sql CREATE OR REPLACE TABLE narrow AS SELECT id FROM small\n%ingest narrow --into data/orders.parquet'),
  },
  {
    name: 'kernel killed (SIGKILL) in the middle of %ingest',
    expected: 'the destination keeps its previous rows (100), whole and readable',
    match: /^died: KernelDiedError[\s\S]*\nrows: 100$/,
    timeoutMs: 90_000,
    run: async (f) => {
      const target = join(f.dataDir, 'orders.parquet');
      const died = await killedDuring(
        f,
        `%sql CREATE TABLE big AS SELECT range AS id, md5(range::VARCHAR) AS h FROM range(5000000)\n%ingest big --into ${target} --allow-breaking`,
        // Killed while the new file is being written beside the old one.
        () => tempFiles(f.dataDir).length > 0,
      );
      return `${died}\nrows: ${(await f.kernel.run(`%sql SELECT count(*) AS n FROM '${target}'`)).text.match(/\b\d+\b(?=\s*\n?\s*1 row)/)?.[0] ?? '?'}`;
    },
  },
  {
    name: 'kernel killed (SIGKILL) in the middle of %train',
    expected: 'the model saved before still loads and predicts',
    match: /^died: KernelDiedError[\s\S]*\npredict: \[ok\]/,
    timeoutMs: 120_000,
    run: async (f) => {
      const died = await killedDuring(f, `process.chdir(${JSON.stringify(f.kernel.workDir)});\n%train faultsmodel --data ${penguins} --target Species --epochs 100000`, 4000);
      return `${died}\npredict: ${(await f.kernel.observe(`%predict faultsmodel --data ${penguins} -o scored`)).slice(0, 300)}`;
    },
  },
];

export const ingestFaults: FaultGroup<IngestFixture> = {
  name: 'ingest',
  open: async () => {
    const fixture = await openKernelGroup({ setup: setup.slice(0, 2) });
    const full = join(fixture.kernel.workDir, 'full');
    mkdirSync(full, { recursive: true });
    let mounted = false;
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', full], { stdio: 'ignore' });
      mounted = true;
    } catch {
      // not root: the full-disk cases report that they did not run
    }
    for (const code of setup.slice(2)) {
      const run = await fixture.kernel.run(code);
      if (run.status === 'ok') continue;
      if (mounted) execFileSync('umount', ['-l', full], { stdio: 'ignore' });
      await fixture.close();
      throw new Error(`ingest setup failed at ${code}:\n${run.text}`);
    }
    const models = join(fixture.kernel.workDir, '.datakernel', 'models');
    return {
      ...fixture,
      full,
      mounted,
      dataDigest: async () => `${await fixture.dataDigest()}${filesDigest(full)}${filesDigest(models)}`,
      close: async () => {
        if (mounted) execFileSync('umount', ['-l', full], { stdio: 'ignore' });
        await fixture.close();
      },
    };
  },
  cases,
};
