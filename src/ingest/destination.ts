import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DataKernelError } from '../errors.js';
import { quoteIdent, quoteLiteral } from '../sql/identifiers.js';
import { makeDirectory } from '../fs/make-directory.js';
import { processAlive } from '../fs/pid-lock.js';

/** How the data is written: replace it, add to it. */
export type WriteMode = 'overwrite' | 'append';

// Temporary and displaced names carry the writer's pid, so a later run can tell a dead writer's leftovers
// from a live one's work in progress.
const TEMP = '.dk-tmp-';
const OLD = '.dk-old-';
const marker = (kind: string) => `${kind}${process.pid}-${randomUUID().slice(0, 8)}`;

const ownerPid = (name: string, kind: string) => Number(name.slice(name.indexOf(kind) + kind.length).split('-')[0]);

/**
 * A Parquet destination: one file (PATH.parquet) or a dataset folder of part files (optionally hive-partitioned).
 * Every write goes to a temporary name in the same folder and is moved into place when complete, so a load that
 * dies half way leaves the previous data as it was.
 */
export class ParquetDestination {
  /** True when the destination is a folder of part files rather than one file. */
  readonly dataset: boolean;

  constructor(
    /** Absolute path of the file or folder. */
    readonly path: string,
    partitionBy: readonly string[] = [],
  ) {
    this.dataset = partitionBy.length > 0 || !/\.(parquet|pq)$/i.test(path) || (existsSync(path) && statSync(path).isDirectory());
  }

  /** True when data was written here before. */
  exists(): boolean {
    return existsSync(this.path) && (!this.dataset || this.partFiles().length > 0);
  }

  /** The DuckDB relation reading what is there now. */
  reader(): string {
    const pattern = this.dataset ? join(this.path, '**', '*.parquet') : this.path;
    return `read_parquet(${quoteLiteral(pattern)}, union_by_name = true${this.dataset ? ', hive_partitioning = true' : ''})`;
  }

  /** The parquet_schema() argument for what is there now. */
  fileList(): string {
    return quoteLiteral(this.dataset ? join(this.path, '**', '*.parquet') : this.path);
  }

  /** Hive partition columns of the existing dataset (`year=2024/` folders), outermost first. */
  partitionColumns(): string[] {
    const columns: string[] = [];
    let dir = this.path;
    while (this.dataset && existsSync(dir)) {
      const sub = readdirSync(dir, { withFileTypes: true }).find((e) => e.isDirectory() && e.name.includes('=') && !e.name.includes(TEMP));
      if (!sub) break;
      columns.push(decodeURIComponent(sub.name.split('=')[0]));
      dir = join(dir, sub.name);
    }
    return columns;
  }

  /** Data files below the dataset folder (relative paths), finished ones only. */
  partFiles(dir = this.path): string[] {
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith('.parquet'))
      .map((e) => relative(dir, join(e.parentPath, e.name)));
  }

  /**
   * Puts right what a killed writer left: a folder swapped out but not back is restored, and temporary files of
   * dead writers are removed. Live writers' files are left alone.
   */
  recover(): void {
    const parent = dirname(this.path);
    const base = basename(this.path);
    // A parent that is a file is the write's error to report (with a hint), not a crash here.
    if (!existsSync(parent) || !statSync(parent).isDirectory()) return;
    for (const name of readdirSync(parent)) {
      if (!name.startsWith(`.${base}.`)) continue;
      const full = join(parent, name);
      if (name.includes(OLD) && !processAlive(ownerPid(name, OLD))) {
        if (existsSync(this.path)) rmSync(full, { recursive: true, force: true });
        else renameSync(full, this.path);
      } else if (name.includes(TEMP) && !processAlive(ownerPid(name, TEMP))) rmSync(full, { recursive: true, force: true });
    }
    if (this.dataset && existsSync(this.path) && statSync(this.path).isDirectory()) {
      for (const entry of readdirSync(this.path, { withFileTypes: true, recursive: true })) {
        if (entry.name.includes(TEMP) && !processAlive(ownerPid(entry.name, TEMP))) rmSync(join(entry.parentPath, entry.name), { recursive: true, force: true });
      }
    }
  }

  /**
   * Writes the rows of `select` (a query over the embedded DuckDB): `overwrite` replaces the data, `append` adds
   * to it (a new part file in a dataset; a rewritten file, old rows and new, for a single file). Returns the
   * files written, relative to the destination folder. Part files are named `STEM-uuid.parquet` (`stem` defaults
   * to part-TIMESTAMP; stream loads put the sequence range in it).
   */
  async write(connection: DuckDBConnection, select: string, mode: WriteMode, partitionBy: readonly string[], stem?: string): Promise<string[]> {
    try {
      return await this.writeStaged(connection, select, mode, partitionBy, stem);
    } catch (error) {
      throw storageError(error, this.path);
    }
  }

  private async writeStaged(connection: DuckDBConnection, select: string, mode: WriteMode, partitionBy: readonly string[], stem?: string): Promise<string[]> {
    makeDirectory(dirname(this.path));
    const staging = this.stagingPath();
    const partitions = partitionBy.length ? `, PARTITION_BY (${partitionBy.map(quoteIdent).join(', ')})` : '';
    const prefix = stem ?? `part-${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}`;
    try {
      if (!this.dataset) {
        const rows = mode === 'append' && existsSync(this.path) ? `SELECT * FROM ${this.reader()} UNION ALL BY NAME ${select}` : select;
        await connection.run(`COPY (${rows}) TO ${quoteLiteral(staging)} (FORMAT parquet)`);
        renameSync(staging, this.path);
        return [basename(this.path)];
      }
      mkdirSync(staging);
      if (partitions) await connection.run(`COPY (${select}) TO ${quoteLiteral(staging)} (FORMAT parquet${partitions}, FILENAME_PATTERN ${quoteLiteral(`${prefix}-{uuid}`)})`);
      else await connection.run(`COPY (${select}) TO ${quoteLiteral(join(staging, `${prefix}-${randomUUID()}.parquet`))} (FORMAT parquet)`);
      const written = this.partFiles(staging);
      if (mode === 'overwrite' || !existsSync(this.path)) this.commit(staging);
      else this.moveIn(staging, written);
      return written;
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }

  /**
   * A new, empty temporary folder beside the dataset, marked with this process's pid (so `recover` leaves it
   * alone while this process lives), for part files other processes write; `commit` puts it in place.
   */
  createStaging(): string {
    makeDirectory(dirname(this.path));
    const staging = this.stagingPath();
    mkdirSync(staging);
    return staging;
  }

  private stagingPath(): string {
    return join(dirname(this.path), `.${basename(this.path)}${marker(TEMP)}`);
  }

  /** Replaces the dataset folder with a finished staging folder: the old one steps aside under a pid-marked name until the new one is in place. */
  commit(staging: string): void {
    if (!existsSync(this.path)) {
      renameSync(staging, this.path);
      return;
    }
    const old = join(dirname(this.path), `.${basename(this.path)}${marker(OLD)}`);
    renameSync(this.path, old);
    renameSync(staging, this.path);
    rmSync(old, { recursive: true, force: true });
  }

  // Each part file moves in with one rename; readers never see a half-written file.
  private moveIn(staging: string, files: string[]): void {
    for (const file of files) {
      const target = join(this.path, file);
      makeDirectory(dirname(target));
      renameSync(join(staging, file), target);
    }
  }
}

/** A full disk or a folder that may not be written, as an error that says so and that the destination is unchanged. */
function storageError(error: unknown, path: string): unknown {
  const message = String((error as Error)?.message ?? error);
  if (/No space left on device|ENOSPC|Disk quota exceeded|EDQUOT/.test(message)) {
    return new DataKernelError(`The disk is full: cannot write ${path}`, 'The destination is unchanged. Free space on that disk (df -h shows how much is left), or load --into a place with room.', { cause: error });
  }
  if (/Permission denied|EACCES|EPERM|Read-only file system|EROFS|ENOTDIR|Not a directory|EEXIST: file already exists, mkdir|ENOENT: no such file or directory, mkdir/.test(message)) {
    return new DataKernelError(`Cannot write ${path}: ${message.replace(/^.*?: /, '')}`, 'Load --into a folder you may write, or fix its permissions.', { cause: error });
  }
  return error;
}
