import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { io } from '@tensorflow/tfjs';
import type { Tf } from './backend.js';

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

/**
 * An IOHandler that writes the standard TF.js layout (model.json with modelTopology + weightsManifest, and
 * weights.bin) to a folder, so tfjs-node's `file://` loader and the TF.js converter read it; tfjs-node's own
 * file handler is not needed.
 */
export function fileSaveHandler(tf: Tf, dir: string): io.IOHandler {
  return tf.io.withSaveHandler(async (artifacts) => {
    await mkdir(dir, { recursive: true });
    const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
    const modelJson = {
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      modelTopology: artifacts.modelTopology,
      trainingConfig: artifacts.trainingConfig,
      weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
    };
    await writeFile(join(dir, WEIGHTS_FILE), new Uint8Array(weights));
    await writeFile(join(dir, MODEL_FILE), JSON.stringify(modelJson));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  });
}

/** An IOHandler that loads a model saved in the standard TF.js layout from a folder (all weight shards). */
export async function fileLoadHandler(tf: Tf, dir: string): Promise<io.IOHandler> {
  const modelJson = JSON.parse(await readFile(join(dir, MODEL_FILE), 'utf8')) as io.ModelJSON;
  const groups = modelJson.weightsManifest ?? [];
  const shards: ArrayBuffer[] = [];
  for (const group of groups) {
    for (const path of group.paths) {
      const bytes = await readFile(join(dir, path));
      shards.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    }
  }
  return tf.io.fromMemory({
    modelTopology: modelJson.modelTopology,
    weightSpecs: groups.flatMap((group) => group.weights),
    weightData: tf.io.CompositeArrayBuffer.join(shards),
    format: modelJson.format,
    generatedBy: modelJson.generatedBy,
    convertedBy: modelJson.convertedBy,
  });
}

/** What a model saves (topology and weights), kept in memory: to send it to another process's tfjs. */
export async function savedArtifacts(tf: Tf, model: { save(handler: io.IOHandler): Promise<io.SaveResult> }): Promise<io.ModelArtifacts> {
  let artifacts: io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (saved) => {
      artifacts = saved;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(saved) };
    }),
  );
  return artifacts!;
}
