import { Batcher, type BatchingOptions } from './batcher.js';
import { HttpError } from './http-error.js';
import type { InputLog } from './input-log.js';
import type { ServerMetrics } from './metrics.js';
import type { ServableModel } from './servable.js';

/** A model version being served, with the batcher its predictions go through. */
export interface ServedVersion {
  model: ServableModel;
  version: string;
  predict(rows: Record<string, unknown>[]): Promise<Record<string, unknown>[]>;
}

const byVersion = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** The models one server answers for: name -> version -> served model; the latest version is the default. */
export class ModelRepository {
  private readonly models = new Map<string, Map<string, ServedVersion>>();

  constructor(
    private readonly metrics: ServerMetrics,
    private readonly batching: BatchingOptions = {},
    private readonly inputLog?: InputLog,
  ) {}

  /** Serves `model` (replacing the same name and version if present). */
  add(model: ServableModel): ServedVersion {
    const version = String(model.version);
    const batcher = new Batcher<Record<string, unknown>>(
      (rows) => model.predictRows(rows),
      this.batching,
      (rows) => this.metrics.batchRun(model.name, rows),
    );
    const served: ServedVersion = {
      model,
      version,
      predict: async (request) => {
        // The log holds the rows as predicted (looked-up features included), so %drift compares what the model saw.
        const rows = model.completeRows ? await model.completeRows(request) : request;
        this.inputLog?.append(model.name, version, rows);
        return batcher.submit(rows) as Promise<Record<string, unknown>[]>;
      },
    };
    let versions = this.models.get(model.name);
    if (!versions) this.models.set(model.name, (versions = new Map()));
    versions.get(version)?.model.close?.();
    versions.set(version, served);
    return served;
  }

  /** Stops serving every version of `name`; false when it was not served. */
  remove(name: string): boolean {
    for (const served of this.models.get(name)?.values() ?? []) served.model.close?.();
    return this.models.delete(name);
  }

  /** Stops serving every model. */
  clear(): void {
    for (const name of this.names()) this.remove(name);
  }

  /** The version asked for, or the latest; 404 when either is unknown. */
  get(name: string, version?: string): ServedVersion {
    const versions = this.models.get(name);
    if (!versions) throw new HttpError(404, `Model '${name}' is not served here${this.names().length ? ` (serving: ${this.names().join(', ')})` : ''}`);
    if (version === undefined) return versions.get(this.versions(name).at(-1)!)!;
    const served = versions.get(version);
    if (!served) throw new HttpError(404, `Model '${name}' has no version ${version} (serving versions: ${this.versions(name).join(', ')})`);
    return served;
  }

  /** Served versions of `name`, oldest first. */
  versions(name: string): string[] {
    return [...(this.models.get(name)?.keys() ?? [])].sort(byVersion);
  }

  names(): string[] {
    return [...this.models.keys()].sort();
  }

  get size(): number {
    return this.models.size;
  }
}
