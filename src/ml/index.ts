export { train, type TrainOptions } from './train.js';
export { TrainResult } from './train-result.js';
export { predict, loadCachedModel, type PredictOptions } from './predict.js';
export {
  loadModel,
  resolveModelDir,
  listModels,
  modelVersions,
  saveModelVersion,
  modelsRoot,
  type LoadedModel,
  type InputField,
  type ModelCard,
  type ModelArtifacts,
  type ColumnPredictions,
} from './model-store.js';
export { listRuns, type Run, type EpochLog } from './runs.js';
export { tensorflow, backendName } from './backend.js';
export { fileSaveHandler, fileLoadHandler } from './tfjs-io.js';
export { MODEL_KINDS, type ModelKind } from './architectures.js';
export type { Task } from './target.js';
