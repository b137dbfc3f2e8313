import { tensorflow } from '../ml/backend.js';
import { checkRuntime, type RuntimeSpec } from './spec.js';

/** The runtime this process scores with: the tfjs it loaded and the backend it set. */
export async function kernelRuntime(): Promise<RuntimeSpec> {
  const tf = await tensorflow();
  return checkRuntime({ tfjs: tf.version_core, backend: tf.getBackend() });
}
