import { resolve } from 'node:path';
import { historyFile } from './history-file.js';
import { HistoryStore } from './history-store.js';

const stores = new Map<string, HistoryStore>();

/**
 * The process's history store for `file`: the kernel records into it and `%history` reads it, so both
 * see the same session. One instance per file per process (a process is one session).
 */
export function sharedHistory(file: string = historyFile()): HistoryStore {
  const path = resolve(file);
  let store = stores.get(path);
  if (!store) {
    store = new HistoryStore(path);
    stores.set(path, store);
  }
  return store;
}

/** The history a Jupyter kernel serves (history_request) and records into; nothing is read until first use. */
export function kernelHistory(): HistoryStore {
  return sharedHistory();
}
