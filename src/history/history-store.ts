import { randomUUID } from 'node:crypto';
import { appendFileSync, closeSync, fstatSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { globToRegExp } from './glob.js';
import { makeDirectory } from '../fs/make-directory.js';

/** One input as the Jupyter history messages carry it: [session, line, source]. */
export type HistoryEntry = [session: number, line: number, source: string];

/** Entries kept: queries see at most this many, the newest. */
export const HISTORY_LIMIT = 10_000;

// The file may grow this far past the limit before an opening process rewrites it, so that not every
// kernel start rewrites a full file.
const COMPACT_SLACK = 1.1;

// A lock older than this belongs to a process that died while compacting.
const STALE_LOCK_MS = 60_000;

interface EntryLine {
  session: number;
  line: number;
  source: string;
}

interface ClaimLine {
  session: number;
  claim: string;
}

function parseLine(text: string): EntryLine | ClaimLine | undefined {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    if (!Number.isInteger(value.session)) return undefined;
    if (typeof value.source === 'string' && Number.isInteger(value.line)) return value as unknown as EntryLine;
    if (typeof value.claim === 'string') return value as unknown as ClaimLine;
  } catch {
    // A line cut short by a crash, or edited by hand: skipped, the rest of the history still loads.
  }
  return undefined;
}

/**
 * The input history of every kernel (and REPL) of one user: an append-only JSONL file, one line per entry,
 * so concurrent processes only ever append whole lines. Each process takes the next session number by
 * appending a claim line; the first claim of a number in file order wins, so two processes starting at
 * once never share a session. Reads are incremental (only bytes appended since the last read).
 */
export class HistoryStore {
  private entries: HistoryEntry[] = [];
  private readonly claims = new Map<number, string>();
  private maxSession = 0;
  private entryLines = 0;
  private offset = 0;
  private inode = -1;
  private current: number | undefined;
  private writeFailed = false;
  private readonly id = randomUUID();

  constructor(
    /** The JSONL file; created (with its folder) on first write. */
    readonly file: string,
    /** Entries kept (the file is compacted to them when it has 10% more). @default HISTORY_LIMIT */
    private readonly limit = HISTORY_LIMIT,
  ) {}

  /** This process's session number, claimed on first use. */
  get session(): number {
    this.current ??= this.claimSession();
    return this.current;
  }

  /**
   * Appends one input of this session; blank inputs are not kept. Trailing newlines go, as in IPython, so a
   * glob anchored at the end (`6?*?7`) finds `6 * 7\n`.
   */
  record(line: number, source: string): void {
    source = source.replace(/[\r\n]+$/, '');
    if (!source.trim()) return;
    const session = this.session;
    this.append({ session, line, source, time: new Date().toISOString() });
  }

  /** The last `n` entries of all sessions, oldest first. */
  tail(n: number): HistoryEntry[] {
    this.refresh();
    return n > 0 ? this.entries.slice(-n) : [];
  }

  /**
   * Lines `start` (inclusive) to `stop` (exclusive, open when undefined) of a session; session 0 is this one
   * and negative numbers count back from it, as in IPython.
   */
  range(session: number, start: number, stop: number | undefined): HistoryEntry[] {
    this.refresh();
    const wanted = session > 0 ? session : this.session + session;
    return this.entries.filter(([s, line]) => s === wanted && line >= start && (stop === undefined || line < stop));
  }

  /** Entries whose source matches a glob, oldest first: the last `n` of them, each source once when `unique`. */
  search(pattern: string, n: number | undefined, unique: boolean): HistoryEntry[] {
    this.refresh();
    const regex = globToRegExp(pattern || '*');
    let found = this.entries.filter(([, , source]) => regex.test(source));
    if (unique) {
      const last = new Map(found.map((entry, index) => [entry[2], index]));
      found = found.filter((entry, index) => last.get(entry[2]) === index);
    }
    return n !== undefined && n > 0 ? found.slice(-n) : found;
  }

  /** False when the file cannot be written (read-only home...): the front end keeps running without history. */
  private append(value: object): boolean {
    const line = `${JSON.stringify(value)}\n`;
    try {
      // One write call per line with O_APPEND: concurrent appenders never interleave inside a line.
      try {
        appendFileSync(this.file, line);
      } catch (error) {
        // The folder is made on the first write only: this runs on every execute.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        makeDirectory(dirname(this.file));
        appendFileSync(this.file, line);
      }
      return true;
    } catch (error) {
      if (!this.writeFailed) process.stderr.write(`[datakernel] history is not saved: ${(error as Error).message}\n`);
      this.writeFailed = true;
      return false;
    }
  }

  private claimSession(): number {
    this.refresh();
    if (this.entryLines > this.limit * COMPACT_SLACK) this.compact();
    for (;;) {
      const candidate = this.maxSession + 1;
      if (!this.append({ session: candidate, claim: this.id, time: new Date().toISOString() })) return candidate;
      this.refresh();
      if (this.claims.get(candidate) === this.id) return candidate;
    }
  }

  /** Reads what was appended since the last read; starts over when another process compacted the file. */
  private refresh(): void {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return;
    }
    try {
      const { size, ino } = fstatSync(fd);
      // Compaction by another process replaces the file (a new inode): read it from the start.
      if (ino !== this.inode || size < this.offset) this.reset();
      this.inode = ino;
      if (size === this.offset) return;
      const buffer = Buffer.alloc(size - this.offset);
      const read = readSync(fd, buffer, 0, buffer.length, this.offset);
      // A line still being written has no newline yet; it is read next time.
      const end = buffer.subarray(0, read).lastIndexOf(10) + 1;
      for (const text of buffer.subarray(0, end).toString('utf8').split('\n')) {
        if (text) this.ingest(parseLine(text));
      }
      this.offset += end;
      if (this.entries.length > this.limit) this.entries = this.entries.slice(-this.limit);
    } finally {
      closeSync(fd);
    }
  }

  private ingest(line: EntryLine | ClaimLine | undefined): void {
    if (!line) return;
    this.maxSession = Math.max(this.maxSession, line.session);
    if ('claim' in line) {
      if (!this.claims.has(line.session)) this.claims.set(line.session, line.claim);
      return;
    }
    this.entryLines++;
    this.entries.push([line.session, line.line, line.source]);
  }

  private reset(): void {
    this.entries = [];
    this.claims.clear();
    this.maxSession = 0;
    this.entryLines = 0;
    this.offset = 0;
  }

  /**
   * Rewrites the file with its last `limit` entries (and the claims of their sessions). Another kernel may
   * append meanwhile: what it appended to the old file after the snapshot is carried over to the new one.
   */
  private compact(): void {
    const lock = `${this.file}.lock`;
    try {
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { force: true });
    } catch {
      // No lock: the usual case.
    }
    let lockFd: number;
    try {
      lockFd = openSync(lock, 'wx');
    } catch {
      return;
    }
    try {
      const old = openSync(this.file, 'r');
      try {
        const size = fstatSync(old).size;
        const buffer = Buffer.alloc(size);
        const end = buffer.subarray(0, readSync(old, buffer, 0, size, 0)).lastIndexOf(10) + 1;
        const lines = buffer.subarray(0, end).toString('utf8').split('\n').filter(Boolean);
        const parsed = lines.map(parseLine);
        const entryIndexes = parsed.flatMap((line, index) => (line && !('claim' in line) ? [index] : []));
        const firstKept = entryIndexes.at(-this.limit) ?? 0;
        const oldestSession = (parsed[firstKept] as EntryLine | undefined)?.session ?? 0;
        const kept = lines.filter((_, index) => {
          const line = parsed[index];
          if (!line) return false;
          return 'claim' in line ? line.session >= oldestSession : index >= firstKept;
        });
        const temp = `${this.file}.${process.pid}.tmp`;
        writeFileSync(temp, kept.length ? `${kept.join('\n')}\n` : '');
        renameSync(temp, this.file);
        const grown = fstatSync(old).size - end;
        if (grown > 0) {
          const extra = Buffer.alloc(grown);
          appendFileSync(this.file, extra.subarray(0, readSync(old, extra, 0, grown, end)));
        }
      } finally {
        closeSync(old);
      }
    } finally {
      closeSync(lockFd);
      rmSync(lock, { force: true });
    }
    this.reset();
    this.refresh();
  }
}
