import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { InferenceServer, type InferenceServerOptions } from './inference-server.js';
import { mergeSnapshots, type MetricsSnapshot } from './metrics.js';
import { findVersionDirs, loadModelDir, pollModelDir } from './model-dir.js';
import type { ScoringModel } from '../ml/model-store.js';
import type { ServableModel } from './servable.js';

/** `datakernel serve`: a model folder served by worker processes sharing one port. */
export interface ServeDirOptions extends InferenceServerOptions {
  modelDir: string;
  /** Worker processes; 1 serves from this process. @default one per core */
  workers?: number;
  /** Seconds between checks for new model versions under modelDir; 0 loads only at start. @default 0 */
  pollSeconds?: number;
  /** Where status lines go. @default stdout */
  log?: (line: string) => void;
  /** Feature views whose values requests need not carry: models taking their features read them from Redis. */
  features?: { views: string[]; projectDir: string; redis?: string };
}

type Message =
  | { dk: 'ready'; models: string[]; url: string }
  | { dk: 'metrics-request'; id: number }
  | { dk: 'snapshot-request'; id: number }
  | { dk: 'snapshot'; id: number; snapshot: MetricsSnapshot }
  | { dk: 'metrics'; id: number; snapshot: MetricsSnapshot };

// A worker that does not answer a metrics round in time (busy or dying) is left out of that scrape.
const SNAPSHOT_TIMEOUT_MS = 2000;

const logTo = (options: ServeDirOptions) => options.log ?? ((line: string) => console.log(line));

/**
 * How a loaded model is served: as it is, or (with --features) completed from the online store when it takes a
 * feature the views hold. Returns the function and what closes the project it read the views from.
 */
async function onlineLookup(options: ServeDirOptions) {
  const features = options.features;
  if (!features) return { serveAs: async (model: ScoringModel): Promise<ServableModel> => model, close: async () => {} };
  const [{ Session }, { withOnlineFeatures }] = await Promise.all([import('../session/session.js'), import('./online-lookup.js')]);
  const session = new Session(features.projectDir);
  const serveAs = async (model: ScoringModel): Promise<ServableModel> =>
    (await withOnlineFeatures(model, { views: features.views, session, redis: features.redis, optional: true })) ?? model;
  return { serveAs, close: () => session.close() };
}

async function startServer(options: ServeDirOptions, collectMetrics?: InferenceServerOptions['collectMetrics']) {
  // Models whose runtime is not this process's score in runtime workers, which stop with the server.
  const { RuntimeWorkers } = await import('../runtimes/runtime-workers.js');
  const workers = new RuntimeWorkers();
  const lookup = await onlineLookup(options);
  const models = await loadModelDir(options.modelDir, workers);
  const served = await Promise.all(models.map(lookup.serveAs));
  if (options.features && served.every((s, i) => s === models[i])) {
    const { DataKernelError } = await import('../errors.js');
    throw new DataKernelError(
      `No model under ${options.modelDir} takes a feature of ${options.features.views.join(', ')}`,
      `The models take ${[...new Set(models.flatMap((m) => m.inputSchema.map((f) => f.name)))].join(', ')}; pass views holding some of them.`,
    );
  }
  const server = new InferenceServer({ ...options, collectMetrics });
  for (const model of served) server.repository.add(model);
  await server.listen();
  const stopPolling = options.pollSeconds
    ? pollModelDir(options.modelDir, models.map((m) => m.dir), options.pollSeconds, workers, async (model) => {
        server.repository.add(await lookup.serveAs(model));
        logTo(options)(`datakernel serve: now serving ${model.name}@${model.version} (process ${process.pid})`);
      })
    : () => {};
  const close = async () => {
    stopPolling();
    await server.close();
    await workers.close();
    await lookup.close();
  };
  const label = (m: ScoringModel, i: number) =>
    `${m.name}@${m.version}${m.runtimeLabel ? ` (${m.runtimeLabel})` : ''}${served[i] !== m ? ` (features from ${options.features!.views.join(', ')})` : ''}`;
  return { server, close, models: models.map(label) };
}

/** Runs the production server until SIGINT/SIGTERM: one process, or a primary forking `workers` workers. */
export async function serveModelDir(options: ServeDirOptions): Promise<void> {
  const log = logTo(options);
  const workers = options.workers ?? availableParallelism();
  if (cluster.isWorker) return runWorker(options);
  findVersionDirs(options.modelDir);
  if (workers <= 1) {
    const { server, models, close } = await startServer(options);
    log(`datakernel serve: ${models.join(', ')} at ${server.url} (1 process)`);
    await untilSignal();
    await close();
    return;
  }
  return runPrimary(workers, log);
}

const untilSignal = () =>
  new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });

async function runPrimary(count: number, log: (line: string) => void): Promise<void> {
  let stopping = false;
  let ready = 0;
  const rounds = new Map<number, { snapshots: MetricsSnapshot[]; waiting: number; done(): void }>();
  let nextRound = 0;

  const collect = (requester: Worker, id: number) => {
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    const round = nextRound++;
    const snapshots: MetricsSnapshot[] = [];
    const done = () => {
      if (rounds.delete(round)) requester.send({ dk: 'metrics', id, snapshot: mergeSnapshots(snapshots) } satisfies Message);
    };
    rounds.set(round, { snapshots, waiting: workers.length, done });
    for (const w of workers) w.send({ dk: 'snapshot-request', id: round } satisfies Message);
    setTimeout(done, SNAPSHOT_TIMEOUT_MS).unref();
  };

  const fork = () => {
    const worker = cluster.fork();
    worker.on('message', (message: Message) => {
      if (message.dk === 'ready' && ++ready === count) log(`datakernel serve: ${message.models.join(', ')} at ${message.url} (${count} workers)`);
      if (message.dk === 'metrics-request') collect(worker, message.id);
      if (message.dk === 'snapshot') {
        const round = rounds.get(message.id);
        if (!round) return;
        round.snapshots.push(message.snapshot);
        if (--round.waiting === 0) round.done();
      }
    });
  };

  const failed = new Promise<never>((_, reject) => {
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) return;
      // A worker that dies before every worker is up means the models or the port are unusable: give up.
      if (ready < count) reject(new Error(`A serve worker exited (${signal ?? `code ${code}`}) while starting; see its error above`));
      else {
        log(`datakernel serve: worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another`);
        fork();
      }
    });
  });
  for (let i = 0; i < count; i++) fork();
  try {
    await Promise.race([untilSignal(), failed]);
  } finally {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
  }
}

async function runWorker(options: ServeDirOptions): Promise<void> {
  const pending = new Map<number, (snapshot: MetricsSnapshot) => void>();
  let nextId = 0;
  let server: InferenceServer | undefined;
  process.on('message', (message: Message) => {
    if (message.dk === 'snapshot-request' && server) {
      process.send!({ dk: 'snapshot', id: message.id, snapshot: server.metrics.snapshot() } satisfies Message);
    }
    if (message.dk === 'metrics') {
      pending.get(message.id)?.(message.snapshot);
      pending.delete(message.id);
    }
  });
  const collectMetrics = (own: MetricsSnapshot) =>
    new Promise<MetricsSnapshot>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      process.send!({ dk: 'metrics-request', id } satisfies Message);
      // Without an answer from the primary, this worker's own numbers beat a scrape that hangs.
      setTimeout(() => pending.delete(id) && resolve(own), 2 * SNAPSHOT_TIMEOUT_MS).unref();
    });
  const started = await startServer(options, collectMetrics);
  server = started.server;
  process.send!({ dk: 'ready', models: started.models, url: server.url } satisfies Message);
  await untilSignal();
  await started.close();
  process.exit(0);
}
