import type { LoadedModel } from '../ml/model-store.js';

/**
 * What the server needs of a model store's `LoadedModel`: its schema, outputs and `predictRows`
 * (raw feature values in; the saved preparation is applied inside).
 */
export type ServableModel = Pick<LoadedModel, 'name' | 'version' | 'task' | 'inputSchema' | 'outputNames' | 'predictRows' | 'label'> & {
  /**
   * Completes validated request rows before they are logged and predicted (features fetched from an online
   * store); `inputSchema` is then what requests carry.
   */
  completeRows?(rows: Record<string, unknown>[]): Promise<Record<string, unknown>[]>;
  /** Lets go of what the model holds (an online store's connection) when it stops being served. */
  close?(): void;
};

/** One model input as the input schema states it. */
export type FeatureSpec = ServableModel['inputSchema'][number];
