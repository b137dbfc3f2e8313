import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KernelHistory } from '../../kernel/core/history.js';
import { historyFile } from '../../src/history/history-file.js';
import { HistoryStore } from '../../src/history/history-store.js';
import { kernelHistory, sharedHistory } from '../../src/history/kernel-history.js';

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'dk-history-')), 'nested', 'history.jsonl');

describe('HistoryStore', () => {
  it('keeps entries across restarts, each process in a new session', () => {
    const file = tempFile();
    const first = new HistoryStore(file);
    first.record(1, 'const x = 1');
    first.record(2, 'x + 1');
    const second = new HistoryStore(file);
    second.record(1, 'x * 2');
    expect(first.session).toBe(1);
    expect(second.session).toBe(2);
    expect(second.tail(10)).toEqual([
      [1, 1, 'const x = 1'],
      [1, 2, 'x + 1'],
      [2, 1, 'x * 2'],
    ]);
    expect(second.tail(1)).toEqual([[2, 1, 'x * 2']]);
    // The first process sees what the second appended.
    expect(first.tail(1)).toEqual([[2, 1, 'x * 2']]);
  });

  it('answers ranges of this session, an absolute one, and one counted back', () => {
    const file = tempFile();
    const old = new HistoryStore(file);
    ['a', 'b', 'c'].forEach((source, i) => old.record(i + 1, source));
    const now = new HistoryStore(file);
    ['d', 'e', 'f'].forEach((source, i) => now.record(i + 1, source));
    expect(now.range(0, 2, 3)).toEqual([[2, 2, 'e']]);
    expect(now.range(0, 0, undefined).map(([, , s]) => s)).toEqual(['d', 'e', 'f']);
    expect(now.range(1, 1, undefined).map(([, , s]) => s)).toEqual(['a', 'b', 'c']);
    expect(now.range(-1, 3, undefined)).toEqual([[1, 3, 'c']]);
  });

  it('searches with glob patterns, the last n, optionally unique', () => {
    const store = new HistoryStore(tempFile());
    ['df.head()', 'x = 1', 'df.describe()', 'df.head()', 'DF.tail()'].forEach((s, i) => store.record(i + 1, s));
    expect(store.search('df.*', undefined, false).map(([, l]) => l)).toEqual([1, 3, 4]);
    expect(store.search('df.*', undefined, true).map(([, l]) => l)).toEqual([3, 4]);
    expect(store.search('*head*', 1, false)).toEqual([[1, 4, 'df.head()']]);
    expect(store.search('x = ?', undefined, false).map(([, l]) => l)).toEqual([2]);
    expect(store.search('[dD][fF].*', undefined, false)).toHaveLength(4);
    expect(store.search('[!d]*', undefined, false).map(([, l]) => l)).toEqual([2, 5]);
    expect(store.search('', undefined, false)).toHaveLength(5);
  });

  it('matches ? against one character of any kind, and inputs sent with a trailing newline', () => {
    const store = new HistoryStore(tempFile());
    ['6 * 7\n', "print('😀')", 'a\nb'].forEach((s, i) => store.record(i + 1, s));
    expect(store.search('6?*?7', undefined, false)).toEqual([[1, 1, '6 * 7']]);
    expect(store.search("print('?')", undefined, false).map(([, l]) => l)).toEqual([2]);
    expect(store.search('a?b', undefined, false).map(([, l]) => l)).toEqual([3]);
  });

  it('skips a corrupt line and a line still being written', () => {
    const file = tempFile();
    const store = new HistoryStore(file);
    store.record(1, 'good');
    appendFileSync(file, '{"session": 1, "line": 2, "sour\n');
    appendFileSync(file, 'not json at all\n');
    store.record(3, 'also good');
    appendFileSync(file, '{"session":1,"line":4,"source":"half');
    expect(store.tail(10).map(([, , s]) => s)).toEqual(['good', 'also good']);
    appendFileSync(file, ' done"}\n');
    expect(store.tail(1)).toEqual([[1, 4, 'half done']]);
  });

  it('never gives two processes that start together the same session', () => {
    const file = tempFile();
    const stores = Array.from({ length: 5 }, () => new HistoryStore(file));
    // Claims interleave: every store reads the file before any appends its claim.
    stores.forEach((s) => s.tail(1));
    const sessions = stores.map((s) => s.session);
    expect(new Set(sessions).size).toBe(5);
  });

  it('keeps every line when kernel processes append at the same time', async () => {
    const file = tempFile();
    const storeModule = new URL('../../src/history/history-store.ts', import.meta.url).href;
    const writer = (name: string) =>
      new Promise<string>((resolve, reject) => {
        const code = `const { HistoryStore } = await import(${JSON.stringify(storeModule)}); const s = new HistoryStore(${JSON.stringify(file)}); for (let i = 1; i <= 100; i++) s.record(i, ${JSON.stringify(name)} + ' ' + i); process.stdout.write(String(s.session));`;
        execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], (error, stdout) => (error ? reject(error) : resolve(stdout)));
      });
    const sessions = await Promise.all(['a', 'b', 'c'].map(writer));
    expect(new Set(sessions).size).toBe(3);
    const all = new HistoryStore(file).tail(1000);
    expect(all).toHaveLength(300);
    for (const name of ['a', 'b', 'c']) expect(all.filter(([, , s]) => s.startsWith(`${name} `)).map(([, l]) => l)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('compacts a file over the limit to the newest entries when a process opens it', () => {
    const file = tempFile();
    const writer = new HistoryStore(file, 50);
    for (let i = 1; i <= 80; i++) writer.record(i, `cell ${i}`);
    const reader = new HistoryStore(file, 50);
    reader.record(1, 'after restart');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const entries = lines.filter((l) => l.includes('"source"'));
    expect(entries).toHaveLength(51);
    expect(reader.tail(2)).toEqual([
      [1, 80, 'cell 80'],
      [2, 1, 'after restart'],
    ]);
    expect(reader.tail(100)[0]).toEqual([1, 32, 'cell 32']);
    // The compacted file still tells later processes which sessions were taken.
    expect(new HistoryStore(file, 50).session).toBe(3);
  });

  it('rereads the whole file after another process compacted it, even when it has grown back', () => {
    const file = tempFile();
    const watcher = new HistoryStore(file, 50);
    for (let i = 1; i <= 60; i++) watcher.record(i, `cell ${i}`);
    expect(watcher.tail(1)).toEqual([[1, 60, 'cell 60']]);
    const compactor = new HistoryStore(file, 50);
    for (let i = 1; i <= 30; i++) compactor.record(i, `long input number ${i} `.repeat(5));
    expect(watcher.tail(31)[0]).toEqual([1, 60, 'cell 60']);
    expect(watcher.tail(1)[0][0]).toBe(2);
  });

  it('leaves a file a little over the limit alone, but serves only the newest entries', () => {
    const file = tempFile();
    const writer = new HistoryStore(file, 50);
    for (let i = 1; i <= 54; i++) writer.record(i, `cell ${i}`);
    const reader = new HistoryStore(file, 50);
    reader.record(1, 'next');
    expect(readFileSync(file, 'utf8').match(/"source"/g)).toHaveLength(55);
    expect(reader.tail(100)).toHaveLength(50);
    expect(reader.tail(100)[0]).toEqual([1, 6, 'cell 6']);
  });

  it('keeps working, without saving, when the file cannot be written', () => {
    const blocker = join(mkdtempSync(join(tmpdir(), 'dk-history-')), 'a-file');
    writeFileSync(blocker, '');
    const store = new HistoryStore(join(blocker, 'history.jsonl'));
    store.record(1, 'lost');
    expect(store.session).toBe(1);
    expect(store.tail(5)).toEqual([]);
  });

  it('does not record blank inputs', () => {
    const store = new HistoryStore(tempFile());
    store.record(1, '   \n');
    expect(store.tail(5)).toEqual([]);
  });
});

describe('history file and the kernel store', () => {
  it('follows DATAKERNEL_HISTORY_FILE, then XDG_DATA_HOME, then ~/.local/share', () => {
    expect(historyFile({ DATAKERNEL_HISTORY_FILE: '/tmp/h.jsonl', XDG_DATA_HOME: '/x' })).toBe('/tmp/h.jsonl');
    expect(historyFile({ XDG_DATA_HOME: '/x' })).toBe('/x/datakernel/history.jsonl');
    expect(historyFile({})).toMatch(/\.local\/share\/datakernel\/history\.jsonl$/);
  });

  it('gives the kernel and %history the same store, which fits the kernel interface', () => {
    const file = tempFile();
    process.env.DATAKERNEL_HISTORY_FILE = file;
    try {
      const store: KernelHistory = kernelHistory();
      expect(store).toBe(sharedHistory());
      store.record(1, 'shared');
      expect(sharedHistory(file).tail(1)).toEqual([[1, 1, 'shared']]);
    } finally {
      delete process.env.DATAKERNEL_HISTORY_FILE;
    }
  });

  it('reads a file another tool wrote with only entry lines', () => {
    const file = tempFile();
    new HistoryStore(file).record(1, 'seed');
    writeFileSync(file, '{"session":7,"line":1,"source":"imported"}\n');
    expect(new HistoryStore(file).session).toBe(8);
  });
});
