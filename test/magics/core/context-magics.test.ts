import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { format } from '../../../src/display/format.js';
import { DataKernelError, UsageError } from '../../../src/errors.js';
import { HistoryStore } from '../../../src/history/history-store.js';
import { sharedHistory } from '../../../src/history/kernel-history.js';
import { magicNames } from '../../../src/magics/registry.js';
import { TestMagicContext } from '../../helpers/magic-context.js';

const startDir = process.cwd();
const textOf = async (value: unknown) => String((await format(value))['text/plain']);

afterEach(() => process.chdir(startDir));

describe('%lsmagic', () => {
  it('lists every registered magic with its kind and summary', async () => {
    const ctx = new TestMagicContext();
    const bundle = await format(await ctx.magic('lsmagic'));
    const text = String(bundle['text/plain']);
    for (const name of magicNames()) expect(text).toContain(`%${name}`);
    expect(text).toMatch(/%time, %%time\s+│ both\s+│ Time one run/);
    expect(text).toMatch(/%%writefile\s+│ cell/);
    expect(String(bundle['text/html'])).toContain('<table');
  });
});

describe('%who', () => {
  it('shows variables with types as a table and gives their names as an array', async () => {
    const ctx = new TestMagicContext();
    ctx.variables.set('n', 42).set('rows', [{ a: 1 }]).set('greet', function greet(name: string) { return name; }).set('when', new Date(0));
    const names = await ctx.magic('who');
    expect([...(names as string[])]).toEqual(['n', 'rows', 'greet', 'when']);
    const text = await textOf(names);
    expect(text).toMatch(/n\s+│ number\s+│ 42/);
    expect(text).toMatch(/rows\s+│ Array\s+│ length 1/);
    expect(text).toMatch(/greet\s+│ function/);
    expect(text).toMatch(/when\s+│ Date/);
    expect(await textOf(await ctx.magic('who', 'number date'))).not.toContain('greet');
  });

  it('says so when nothing is defined', async () => {
    const ctx = new TestMagicContext();
    expect(await ctx.magic('who')).toBeUndefined();
    expect(ctx.output.text()).toContain('No variables defined yet.');
  });
});

describe('%env', () => {
  afterEach(() => {
    delete process.env.DK_ENV_PLAIN;
    delete process.env.DK_API_TOKEN;
    delete process.env.DK_DB_URL;
  });

  it('lists variables with secret-looking values masked', async () => {
    process.env.DK_API_TOKEN = 'hunter2-token';
    process.env.DK_DB_URL = 'postgres://me:s3cret@db:5432/x';
    process.env.DK_ENV_PLAIN = 'visible';
    const ctx = new TestMagicContext();
    const bundle = await format(await ctx.magic('env'));
    const all = JSON.stringify(bundle);
    expect(all).toContain('visible');
    expect(all).not.toContain('hunter2');
    expect(all).not.toContain('s3cret');
    expect(all).toContain('postgres://me:********@db:5432/x');
  });

  it('gets and sets one variable, both spellings', async () => {
    const ctx = new TestMagicContext();
    await ctx.magic('env', 'DK_ENV_PLAIN=a b');
    expect(process.env.DK_ENV_PLAIN).toBe('a b');
    expect(await ctx.magic('env', 'DK_ENV_PLAIN')).toBe('a b');
    await ctx.magic('env', 'DK_ENV_PLAIN "c d"');
    expect(process.env.DK_ENV_PLAIN).toBe('c d');
    expect(ctx.output.text()).toContain('env: DK_ENV_PLAIN=c d');
    await ctx.magic('env', 'DK_API_TOKEN=abc123');
    expect(process.env.DK_API_TOKEN).toBe('abc123');
    expect(ctx.output.text()).not.toContain('abc123');
    expect(await textOf(await ctx.magic('env', 'DK_API_TOKEN'))).not.toContain('abc123');
  });

  it('names the problem for an unset or invalid name', async () => {
    const ctx = new TestMagicContext();
    await expect(ctx.magic('env', 'DK_NOT_SET_ANYWHERE')).rejects.toThrow(/not set/);
    await expect(ctx.magic('env', '1BAD=x')).rejects.toBeInstanceOf(DataKernelError);
  });
});

describe('%cd and %pwd', () => {
  it('changes the process directory, goes back with -, expands ~', async () => {
    const ctx = new TestMagicContext();
    const sub = join(ctx.session.projectDir, 'sub');
    mkdirSync(sub);
    expect(await ctx.magic('pwd')).toBe(ctx.session.projectDir);
    await ctx.magic('cd', 'sub');
    expect(process.cwd()).toBe(sub);
    await ctx.magic('cd', '-');
    expect(process.cwd()).toBe(ctx.session.projectDir);
    await ctx.magic('cd', '~');
    expect(process.cwd()).toBe(homedir());
    await ctx.magic('cd', '');
    expect(process.cwd()).toBe(homedir());
    expect(ctx.output.text()).toContain(sub);
  });

  it('fails with a hint for a missing directory or a file', async () => {
    const ctx = new TestMagicContext();
    writeFileSync(join(ctx.session.projectDir, 'file.txt'), 'x');
    const error = await ctx.magic('cd', 'nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataKernelError);
    expect((error as DataKernelError).message).toContain('no such directory: nope');
    expect((error as DataKernelError).hint).toBeTruthy();
    await expect(ctx.magic('cd', 'file.txt')).rejects.toThrow(/not a directory/);
    expect(process.cwd()).toBe(startDir);
  });
});

describe('%%writefile and %load', () => {
  it('writes, overwrites and appends, creating the folder', async () => {
    const ctx = new TestMagicContext();
    await ctx.magic('writefile', 'out/a.ts', 'const a = 1');
    const path = join(ctx.session.projectDir, 'out/a.ts');
    expect(readFileSync(path, 'utf8')).toBe('const a = 1\n');
    await ctx.magic('writefile', '-a out/a.ts', 'const b = 2\n');
    expect(readFileSync(path, 'utf8')).toBe('const a = 1\nconst b = 2\n');
    await ctx.magic('writefile', 'out/a.ts', 'x');
    expect(readFileSync(path, 'utf8')).toBe('x\n');
    expect(ctx.output.text()).toMatch(/Writing out\/a.ts[\s\S]*Appending to out\/a.ts[\s\S]*Overwriting out\/a.ts/);
  });

  it('needs a file name, and is a cell magic only', async () => {
    const ctx = new TestMagicContext();
    await expect(ctx.magic('writefile', '', 'x')).rejects.toBeInstanceOf(UsageError);
    await expect(ctx.magic('writefile', 'a.ts')).rejects.toThrow(/cell magic/);
  });

  it('%load puts the file into the next input, optionally some lines', async () => {
    const ctx = new TestMagicContext();
    writeFileSync(join(ctx.session.projectDir, 'code.ts'), 'line1\nline2\nline3\nline4\n');
    await ctx.magic('load', 'code.ts');
    expect(ctx.nextInput).toBe('// %load code.ts\nline1\nline2\nline3\nline4');
    await ctx.magic('load', '-r 2-3 code.ts');
    expect(ctx.nextInput).toBe('// %load code.ts -r 2-3\nline2\nline3');
    await ctx.magic('load', '-r 1,4 code.ts');
    expect(ctx.nextInput).toBe('// %load code.ts -r 1,4\nline1\nline4');
    await expect(ctx.magic('load', 'missing.ts')).rejects.toThrow(/no such file: missing.ts/);
    await expect(ctx.magic('load', '-r x code.ts')).rejects.toBeInstanceOf(UsageError);
  });
});

describe('%history', () => {
  it('shows this session, the last N of all sessions, searches, and ranges', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'dk-hist-magic-')), 'history.jsonl');
    const before = new HistoryStore(file);
    before.record(1, 'const old = 1');
    before.record(2, 'old + 1');
    process.env.DATAKERNEL_HISTORY_FILE = file;
    try {
      const store = sharedHistory();
      store.record(1, 'const df = load()');
      store.record(2, 'df.head()');
      store.record(3, 'const y = 2\ny * 3');
      const run = async (line: string) => {
        const ctx = new TestMagicContext();
        await ctx.magic('history', line);
        return ctx.output.text();
      };
      expect(await run('')).toBe('const df = load()\ndf.head()\nconst y = 2\ny * 3\n');
      expect(await run('-n')).toBe('   1: const df = load()\n   2: df.head()\n   3: const y = 2\n      y * 3\n');
      expect(await run('-l 2')).toBe('df.head()\nconst y = 2\ny * 3\n');
      expect(await run('-g old')).toBe('1/1: const old = 1\n1/2: old + 1\n');
      expect(await run('-n 2-3')).toBe('   2: df.head()\n   3: const y = 2\n      y * 3\n');
      expect(await run('~1/2')).toBe('old + 1\n');
      expect(await run('-g nothing-like-this')).toBe('No history matches.\n');
      await expect(run('-l zero')).rejects.toBeInstanceOf(UsageError);
      await expect(run('1-2-3')).rejects.toBeInstanceOf(UsageError);
    } finally {
      delete process.env.DATAKERNEL_HISTORY_FILE;
    }
  });
});

describe('help and usage of the core magics', () => {
  it('every core magic has a summary, a description and --help', async () => {
    const ctx = new TestMagicContext();
    for (const name of ['lsmagic', 'time', 'timeit', 'who', 'env', 'cd', 'pwd', 'writefile', 'load', 'run', 'history']) {
      const help = await textOf(await ctx.magic(name, '--help', name === 'writefile' ? '' : undefined));
      expect(help).toMatch(/^Usage: %/);
      expect(help.split('\n').length).toBeGreaterThan(3);
    }
  });

  it('rejects bad arguments with the usage', async () => {
    const ctx = new TestMagicContext();
    const error = await ctx.magic('pwd', 'extra').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).hint).toContain('Usage: %pwd');
    await expect(ctx.magic('timeit', '-n zero 1+1')).rejects.toThrow(/-n needs a whole number/);
  });
});
