export { buildIndex, loadIndex, listIndexes, dropIndex, VECTOR_METRICS, type BuildIndexOptions, type VectorIndex, type VectorIndexInfo, type VectorMetric } from './vector-index.js';
export { search, exactSearch, type SearchOptions } from './search.js';
