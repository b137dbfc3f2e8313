import type { LayersModel } from '@tensorflow/tfjs';
import { InterruptedError } from '../errors.js';
import { tensorflow } from '../ml/backend.js';
import type { FitPlan, FitProgress, Fitted } from '../ml/fit-model.js';
import type { SavableModel } from '../ml/model-store.js';
import { savedArtifacts } from '../ml/tfjs-io.js';
import type { Session } from '../session/session.js';
import type { WorkerFitted } from './protocol.js';
import type { RuntimeWorker } from './runtime-worker.js';

/** What a worker's fit gives back: the fit, with the network as its saved artifacts, and the tfjs that fitted it. */
export type FittedInWorker = Omit<Fitted, 'model'> & { model: SavableModel; trainedIn: { tfjs: string; where: 'worker' } };

/**
 * Fits the plan in `worker`, on the tfjs of its runtime: the training arrays go over IPC, epoch progress comes
 * back to `onProgress`, the fitted network comes back as artifacts. A custom model goes as its saved topology
 * and initial weights. An interrupt kills the worker (the next use starts a new one).
 */
export async function fitInWorker(session: Session, worker: RuntimeWorker, plan: FitPlan, custom: LayersModel | undefined, onProgress: FitProgress): Promise<FittedInWorker> {
  let interrupted = false;
  const stop = session.onInterrupt(() => {
    interrupted = true;
    worker.kill('SIGKILL');
  });
  try {
    const request = { op: 'train' as const, plan, ...(custom ? { custom: await savedArtifacts(await tensorflow(), custom) } : {}) };
    const fitted = (await worker.call(request, (done, detail) => onProgress(done, detail ?? ''))) as WorkerFitted;
    const { artifacts, tfjs, ...rest } = fitted;
    return { ...rest, model: { save: async (handler) => handler.save!(artifacts) }, trainedIn: { tfjs, where: 'worker' } };
  } catch (error) {
    if (interrupted) throw new InterruptedError();
    throw error;
  } finally {
    stop();
  }
}
