import type { Magic } from './magic.js';

type MagicModule = () => Promise<{ default: Magic }>;

/**
 * Every magic, by name. Modules load on first use, so an unused magic costs nothing at start-up;
 * a magic module keeps its heavy imports (DuckDB, TensorFlow.js, danfo) inside `run`.
 */
export const magicTable = {
  lsmagic: () => import('./core/lsmagic.js'),
  time: () => import('./core/time.js'),
  timeit: () => import('./core/timeit.js'),
  who: () => import('./core/who.js'),
  env: () => import('./core/env.js'),
  cd: () => import('./core/cd.js'),
  pwd: () => import('./core/pwd.js'),
  writefile: () => import('./core/writefile.js'),
  load: () => import('./core/load.js'),
  run: () => import('./core/run.js'),
  history: () => import('./core/history.js'),
  // sql area
  connect: () => import('./sql/connect.js'),
  disconnect: () => import('./sql/disconnect.js'),
  sql: () => import('./sql/sql.js'),
  // schema area
  schema: () => import('./schema/schema.js'),
  ingest: () => import('./schema/ingest.js'),
  // ml area
  train: () => import('./ml/train.js'),
  predict: () => import('./ml/predict.js'),
  models: () => import('./ml/models.js'),
  runs: () => import('./ml/runs.js'),
  // serve area
  serve: () => import('./serve/serve.js'),
  drift: () => import('./ml/drift.js'),
  // viz area
  plot: () => import('./viz/plot.js'),
} satisfies Record<string, MagicModule>;

export type MagicName = keyof typeof magicTable;

export function isMagicName(name: string): name is MagicName {
  return Object.hasOwn(magicTable, name);
}

export const magicNames = (): MagicName[] => Object.keys(magicTable) as MagicName[];

export async function loadMagic(name: MagicName): Promise<Magic> {
  return (await magicTable[name]()).default;
}
