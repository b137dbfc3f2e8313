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
  // streams area
  watch: () => import('./streams/watch.js'),
  // ml area
  train: () => import('./ml/train.js'),
  predict: () => import('./ml/predict.js'),
  models: () => import('./ml/models.js'),
  runtimes: () => import('./ml/runtimes.js'),
  runs: () => import('./ml/runs.js'),
  // serve area
  serve: () => import('./serve/serve.js'),
  drift: () => import('./ml/drift.js'),
  // features and vectors area
  features: () => import('./features/features.js'),
  index: () => import('./vectors/index.js'),
  // viz area
  plot: () => import('./viz/plot.js'),
} satisfies Record<string, MagicModule>;

export type MagicName = keyof typeof magicTable;

export function isMagicName(name: string): name is MagicName {
  return Object.hasOwn(magicTable, name);
}

export const magicNames = (): MagicName[] => Object.keys(magicTable) as MagicName[];

// Each module is imported once: a dynamic import() of a loaded module still walks the loader's resolve hooks.
const loaded = new Map<MagicName, Promise<Magic>>();

export function loadMagic(name: MagicName): Promise<Magic> {
  let magic = loaded.get(name);
  if (!magic) {
    magic = magicTable[name]().then((module) => module.default);
    // A module that failed to load (a syntax error while developing it) is tried again next time.
    magic.catch(() => loaded.delete(name));
    loaded.set(name, magic);
  }
  return magic;
}
