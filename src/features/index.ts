export { type FeatureView, type FeatureViewSpec, type FeatureValue, parseTtl, formatTtl } from './feature-view.js';
export { defineFeatures, listFeatureViews, getFeatureView } from './view-store.js';
export { materializeFeatures, type MaterializeOptions, type MaterializeResult } from './materialize.js';
export { trainingSet, type TrainingSetOptions } from './training-set.js';
export { OnlineFeatureReader, getOnlineFeatures, type OnlineRow, type OnlineReaderOptions } from './online-reader.js';
export { onlineKeys } from './online-keys.js';
export { defaultRedisUrl } from './redis-target.js';
