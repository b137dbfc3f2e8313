export { checkRuntime, parseRuntime, describeRuntime, sameRuntime, runtimeKey, BACKEND_PACKAGES, type RuntimeSpec, type RuntimeBackend } from './spec.js';
export { ensureRuntime, runtimesRoot, runtimeDir, installedRuntime, installedRuntimes, type InstalledRuntime } from './install.js';
export { predictInParallel, ParallelPrediction, type ParallelPredictOptions, type WorkerStats } from './batch-predict.js';
export { sessionWorkers } from './session-workers.js';
export { kernelRuntime } from './kernel-runtime.js';
export { RuntimeWorker } from './runtime-worker.js';
export { RuntimeWorkers, startWorker } from './runtime-workers.js';
export { openModel } from './open-model.js';
