import { resolve } from 'node:path';
import { DataKernelError, describeError } from '../errors.js';
import { serveModelDir } from './cluster.js';

/** The `datakernel serve` flags as commander gives them (strings). */
export interface ServeCommandOptions {
  modelDir: string;
  port: string;
  host: string;
  workers?: string;
  maxBatchSize: string;
  batchWaitMs: string;
  maxBodyBytes: string;
  logInputs?: string;
  pollSeconds: string;
}

function wholeNumber(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new DataKernelError(`${flag} needs a whole number >= ${min}, got '${value}'`, 'Run datakernel serve --help for the flags.');
  return n;
}

/** Runs `datakernel serve` until it is stopped; returns the exit status (1 with the reason on stderr when it cannot start). */
export async function serveCommand(options: ServeCommandOptions): Promise<number> {
  try {
    await serveModelDir({
      modelDir: resolve(options.modelDir),
      port: wholeNumber(options.port, '--port', 0),
      host: options.host,
      workers: wholeNumber(options.workers, '--workers', 1),
      maxBatchSize: wholeNumber(options.maxBatchSize, '--max-batch-size', 1),
      maxWaitMs: wholeNumber(options.batchWaitMs, '--batch-wait-ms', 0),
      maxBodyBytes: wholeNumber(options.maxBodyBytes, '--max-body-bytes', 1),
      logInputs: options.logInputs ? resolve(options.logInputs) : undefined,
      pollSeconds: wholeNumber(options.pollSeconds, '--poll-seconds', 0),
    });
    return 0;
  } catch (error) {
    process.stderr.write(`datakernel serve: ${describeError(error)}\n`);
    return 1;
  }
}
