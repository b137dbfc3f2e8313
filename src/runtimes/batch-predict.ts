import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Progress } from '../display/progress.js';
import type { MimeBundle } from '../display/mime.js';
import { tableHtml, tableText, type TableData } from '../display/table.js';
import { DataKernelError, InterruptedError } from '../errors.js';
import { ParquetDestination } from '../ingest/destination.js';
import { readModelFiles, resolveModelDir } from '../ml/model-store.js';
import type { Session } from '../session/session.js';
import { embeddedDuckDB } from '../sql/duckdb.js';
import { planParts } from './batch-plan.js';
import { runtimesRoot } from './install.js';
import { kernelRuntime } from './kernel-runtime.js';
import type { PartScored, ScorePart } from './protocol.js';
import type { RuntimeWorker } from './runtime-worker.js';
import { startWorker } from './runtime-workers.js';
import { describeRuntime } from './spec.js';

/** Options of `predictInParallel()`; the same as `%predict NAME --data FILES --workers N --into DIR`. */
export interface ParallelPredictOptions {
  session: Session;
  /** "name" or "name@version". */
  model: string;
  /** Parquet file, folder glob or glob, e.g. "data/big/*.parquet". */
  data: string;
  /** Output dataset folder; replaced as a whole once every part is written. */
  into: string;
  /** Worker processes. @default 1 */
  workers?: number;
  /** Times a part whose worker died is given to another worker. @default 2 */
  retries?: number;
  /** Folder relative paths start from. @default the session's project folder */
  cwd?: string;
  /** Rows scored per step inside a worker. @default 65536 */
  batchSize?: number;
  /** Called when a worker starts a part (e.g. to watch or kill a worker). */
  onPart?: (event: { pid: number; part: ScorePart; attempt: number }) => void;
}

/** One worker's share of a batch prediction. */
export interface WorkerStats {
  pid: number;
  parts: number;
  rows: number;
  seconds: number;
  /** CPU time of the parts it finished. */
  cpuSeconds: number;
  /** How the worker ended: "done", or the reason it died. */
  status: string;
}

/** What a parallel batch prediction wrote; displays a summary with rows/s per worker. */
export class ParallelPrediction {
  constructor(
    readonly model: string,
    /** The runtime the workers scored with, as they reported it. */
    readonly runtime: string,
    /** Absolute path of the output dataset folder. */
    readonly into: string,
    readonly rows: number,
    readonly parts: number,
    /** Parts that ran again after their worker died. */
    readonly retried: number,
    readonly seconds: number,
    readonly workers: WorkerStats[],
  ) {}

  get rowsPerSecond(): number {
    return this.rows / this.seconds;
  }

  table(): TableData {
    return {
      columns: ['worker', 'parts', 'rows', 'rows/s', 'status'].map((name) => ({ name })),
      rows: this.workers.map((w) => [w.pid, w.parts, w.rows, Math.round(w.seconds > 0 ? w.rows / w.seconds : 0), w.status]),
      caption:
        `${this.model} (${this.runtime}) · ${this.rows.toLocaleString('en-US')} rows in ${this.parts} parts → ${this.into} · ` +
        `${this.seconds.toFixed(1)}s, ${Math.round(this.rowsPerSecond).toLocaleString('en-US')} rows/s${this.retried ? ` · ${this.retried} part(s) retried` : ''}`,
    };
  }

  [Symbol.for('Jupyter.display')](): MimeBundle {
    const table = this.table();
    return { 'text/plain': tableText(table), 'text/html': tableHtml(table) };
  }
}

interface Slot {
  worker: RuntimeWorker;
  stats: WorkerStats;
  startedAt: number;
  current: number;
}

/**
 * Scores Parquet files with a stored model in worker processes: the input is split by file and row group,
 * each worker reads its parts with its own DuckDB (no rows pass through this process), scores them with the
 * model's runtime and writes one Parquet part each under a temporary name. A part whose worker dies goes to a
 * new worker (up to `retries` times). Only when every part is written does the staging folder replace
 * `into`, in one rename: a failed or interrupted run leaves the previous output as it was.
 */
export async function predictInParallel(options: ParallelPredictOptions): Promise<ParallelPrediction> {
  const { session } = options;
  const started = Date.now();
  const count = options.workers ?? 1;
  const retries = options.retries ?? 2;
  if (!Number.isInteger(count) || count < 1) throw new DataKernelError(`--workers needs a whole number >= 1, got ${count}`, 'E.g. --workers 2.');
  if (!Number.isInteger(retries) || retries < 0) throw new DataKernelError(`--retries needs a whole number >= 0, got ${retries}`, 'E.g. --retries 2.');
  const cwd = options.cwd ?? session.projectDir;
  const dir = resolveModelDir(session, options.model);
  const files = await readModelFiles(dir);
  const spec = files.card.runtime ?? (await kernelRuntime());
  const into = resolve(cwd, options.into);
  if (/\.(parquet|pq)$/i.test(into)) throw new DataKernelError(`--into ${options.into} names a file`, 'Parallel prediction writes a folder of part files: pass a folder, e.g. --into data/scored.');
  const destination = new ParquetDestination(into);
  destination.recover();

  const { connection } = await embeddedDuckDB(session);
  const staging = destination.createStaging();
  let cancelled = false;
  const slots: Slot[] = [];
  const stopInterrupt = session.onInterrupt(() => {
    cancelled = true;
    for (const slot of slots) slot.worker.kill('SIGKILL');
  });
  try {
    const parts = await planParts(connection, resolve(cwd, options.data), count, staging);
    const total = parts.reduce((sum, p) => sum + p.rows, 0);
    const label = `${files.card.name}@${files.card.version}`;
    const used = Math.min(count, parts.length);
    const progress = new Progress({ label: `Scoring with ${label} in ${used} worker${used > 1 ? 's' : ''}`, total, unit: 'rows' });
    const threads = Math.max(1, Math.floor(availableParallelism() / count));
    const queue = parts.map((part) => ({ part, attempt: 0 }));
    const scored = new Map<number, number>();
    let retried = 0;
    let done = 0;
    const stats: WorkerStats[] = [];
    const show = () => {
      const inFlight = slots.reduce((sum, s) => sum + s.current, 0);
      const rates = slots
        .filter((s) => s.worker.alive)
        .map((s) => `${s.worker.pid}: ${Math.round((s.stats.rows + s.current) / Math.max(0.001, (Date.now() - s.startedAt) / 1000)).toLocaleString('en-US')} rows/s`);
      progress.update(done + inFlight, rates.join(' · '));
    };

    const runSlot = async (): Promise<void> => {
      while (queue.length > 0) {
        if (cancelled) throw new InterruptedError();
        const worker = await startWorker(spec, runtimesRoot(), threads);
        const slot: Slot = { worker, startedAt: Date.now(), current: 0, stats: { pid: worker.pid, parts: 0, rows: 0, seconds: 0, cpuSeconds: 0, status: 'done' } };
        slots.push(slot);
        stats.push(slot.stats);
        try {
          for (let task = queue.shift(); task; task = queue.shift()) {
            if (cancelled) throw new InterruptedError();
            options.onPart?.({ pid: worker.pid, part: task.part, attempt: task.attempt });
            let reply: PartScored;
            try {
              reply = (await worker.call({ op: 'score', dir, part: task.part, batchSize: options.batchSize }, (rows) => {
                slot.current = rows;
                show();
              })) as PartScored;
            } catch (error) {
              slot.current = 0;
              if (cancelled) throw new InterruptedError();
              // A worker that died (killed, out of memory) loses only its current part: it runs again elsewhere.
              if (!worker.alive) {
                slot.stats.status = `exited during part ${task.part.index}`;
                if (task.attempt >= retries) throw new DataKernelError(`Part ${task.part.index} of ${task.part.file} failed ${task.attempt + 1} times: ${(error as Error).message.split('\n')[0]}`, 'See the worker error above; raise --retries if the machine was short of memory.');
                retried++;
                queue.unshift({ part: task.part, attempt: task.attempt + 1 });
                break;
              }
              throw error;
            }
            slot.current = 0;
            scored.set(task.part.index, reply.rows);
            done += reply.rows;
            slot.stats.parts++;
            slot.stats.rows += reply.rows;
            slot.stats.cpuSeconds += reply.cpuSeconds;
            slot.stats.seconds = (Date.now() - slot.startedAt) / 1000;
            show();
          }
        } finally {
          slot.stats.seconds = (Date.now() - slot.startedAt) / 1000;
          worker.kill();
        }
      }
    };
    // The first failure stops the other workers; it is the error reported, not their interruption.
    let failure: unknown;
    const runs = Array.from({ length: used }, () =>
      runSlot().catch((error: unknown) => {
        if (failure === undefined && !cancelled) failure = error;
        cancelled = true;
        for (const slot of slots) slot.worker.kill('SIGKILL');
      }),
    );
    await Promise.all(runs);
    if (failure !== undefined) throw failure;
    if (cancelled) throw new InterruptedError();

    // Every part exactly once, each with the rows planned for it, before anything is published.
    const missing = parts.filter((p) => scored.get(p.index) !== p.rows);
    if (missing.length) throw new DataKernelError(`${missing.length} part(s) were not scored completely`, 'Run the prediction again; the previous output is unchanged.');
    const partNames = new Set(parts.map((p) => basename(p.output)));
    for (const entry of readdirSync(staging)) if (!partNames.has(entry)) rmSync(join(staging, entry), { force: true, recursive: true });
    const runtime = describeRuntime(spec);
    writeFileSync(
      join(staging, '_manifest.json'),
      `${JSON.stringify({ model: label, runtime: spec, data: options.data, rows: total, parts: parts.map((p) => ({ file: basename(p.output), rows: p.rows, source: p.file, firstRow: p.firstRow })), createdAt: new Date().toISOString() }, null, 2)}\n`,
    );
    destination.commit(staging);
    progress.finish(`done: ${stats.filter((s) => s.status === 'done').length} worker(s)${retried ? `, ${retried} part(s) retried` : ''}`);
    return new ParallelPrediction(label, runtime, into, total, parts.length, retried, (Date.now() - started) / 1000, stats);
  } finally {
    stopInterrupt();
    for (const slot of slots) slot.worker.kill();
    rmSync(staging, { recursive: true, force: true });
  }
}
