export { compareRelations, detectDrift, SMALL_SAMPLE_ROWS, type DriftOptions } from './detect-drift.js';
export { columnChart, driftCharts } from './drift-charts.js';
export { DRIFT_METHODS, DriftReport, psiBand, type ColumnDrift, type DriftMethod } from './drift-report.js';
export {
  chiSquareSurvival,
  chiSquareTest,
  jensenShannonDistance,
  ksExactPValue,
  ksPValue,
  populationStabilityIndex,
  proportionZTest,
} from './statistics.js';
