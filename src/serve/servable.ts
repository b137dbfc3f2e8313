import type { LoadedModel } from '../ml/model-store.js';

/**
 * What the server needs of a model store's `LoadedModel`: its schema, outputs and `predictRows`
 * (raw feature values in; the saved preparation is applied inside).
 */
export type ServableModel = Pick<LoadedModel, 'name' | 'version' | 'task' | 'inputSchema' | 'outputNames' | 'predictRows' | 'label'>;

/** One model input as the input schema states it. */
export type FeatureSpec = ServableModel['inputSchema'][number];
