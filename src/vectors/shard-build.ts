import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { VectorMetric } from './vector-index.js';

/** One HNSW graph of an index: the points labelled first .. first + count - 1, saved in `file`. */
export interface ShardInfo {
  file: string;
  first: number;
  count: number;
}

export interface ShardBuild {
  /** Every vector, row after row, in shared memory the build threads read without copying. */
  vectors: Float32Array;
  dimensions: number;
  metric: VectorMetric;
  m: number;
  efConstruction: number;
  shards: number;
  /** The folder the graphs are written to. */
  dir: string;
  /** Points added so far, over all shards. */
  onProgress(added: number): void;
  /** Called between progress reports: throwing stops every thread (an interrupt). */
  check(): void;
}

// Plain JS run by each build thread: hnswlib's addPoint is synchronous native code, so each graph gets a thread.
const BUILDER = `
const { parentPort, workerData: w } = require('node:worker_threads');
const { HierarchicalNSW } = require(w.library);
const vectors = new Float32Array(w.buffer);
const graph = new HierarchicalNSW(w.metric, w.dimensions);
graph.initIndex(w.count, w.m, w.efConstruction, 100 + w.first);
for (let i = 0; i < w.count; i++) {
  const at = (w.first + i) * w.dimensions;
  graph.addPoint(Array.from(vectors.subarray(at, at + w.dimensions)), w.first + i);
  if ((i + 1) % 500 === 0) parentPort.postMessage(500);
}
graph.writeIndexSync(w.file);
parentPort.postMessage(w.count % 500);
`;

/**
 * Builds the index as `shards` HNSW graphs over consecutive slices of the points, one thread each (hnswlib-node
 * adds points on the calling thread only), and saves them. Searching asks every graph and keeps the nearest:
 * on a machine with N cores the build takes about 1/N of one graph's time, and smaller graphs find their
 * neighbours more surely at the same search width.
 */
export async function buildShards(build: ShardBuild): Promise<ShardInfo[]> {
  const total = build.vectors.length / build.dimensions;
  const size = Math.ceil(total / build.shards);
  const library = createRequire(import.meta.url).resolve('hnswlib-node');
  const shards: ShardInfo[] = [];
  for (let first = 0; first < total; first += size) shards.push({ file: `hnsw-${shards.length}.bin`, first, count: Math.min(size, total - first) });
  const workers: Worker[] = [];
  let added = 0;
  try {
    await Promise.all(
      shards.map(
        (shard) =>
          new Promise<void>((resolve, reject) => {
            const worker = new Worker(BUILDER, {
              eval: true,
              workerData: { ...shard, file: join(build.dir, shard.file), library, buffer: build.vectors.buffer, metric: build.metric, dimensions: build.dimensions, m: build.m, efConstruction: build.efConstruction },
            });
            workers.push(worker);
            worker.on('message', (points: number) => {
              added += points;
              try {
                build.check();
                build.onProgress(added);
              } catch (error) {
                reject(error);
              }
            });
            worker.on('error', reject);
            worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`An index build thread exited with code ${code}`))));
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return shards;
}
