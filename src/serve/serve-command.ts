import { resolve, sep } from 'node:path';
import { DataKernelError, describeError } from '../errors.js';
import { serveModelDir } from './cluster.js';
import { viewList } from './online-lookup.js';

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
  features?: string;
  project?: string;
  redis?: string;
}

/** The project a model folder belongs to (the folder holding its .datakernel), else the working directory. */
function projectOf(modelDir: string): string {
  const at = modelDir.split(sep).lastIndexOf('.datakernel');
  return at > 0 ? modelDir.split(sep).slice(0, at).join(sep) : process.cwd();
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
    const modelDir = resolve(options.modelDir);
    if ((options.project || options.redis) && !options.features) throw new DataKernelError('--project and --redis go with --features', 'e.g. datakernel serve --model-dir .datakernel/models --features user_stats');
    const features = options.features
      ? { views: viewList(options.features), projectDir: options.project ? resolve(options.project) : projectOf(modelDir), redis: options.redis }
      : undefined;
    await serveModelDir({
      modelDir,
      features,
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
