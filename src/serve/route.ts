import type { ModelRepository } from './model-repository.js';

/** What a route handler gets: the path's named parts and the request body (parsed JSON, read lazily). */
export interface RouteRequest {
  params: Record<string, string | undefined>;
  repository: ModelRepository;
  /** The parsed JSON body; rejects with 400 on bad JSON and 413 on an oversized body. */
  json(): Promise<unknown>;
  /** Metrics of the whole server (all workers), in the Prometheus text format. */
  metricsText(): Promise<string>;
}

/** A handler's answer: JSON (the default) or text with its content type. */
export interface Reply {
  status?: number;
  json?: unknown;
  text?: string;
  contentType?: string;
}

/** One row of the routing table. `endpoint` labels the route's metrics. */
export interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  endpoint: string;
  handle(request: RouteRequest): Promise<Reply> | Reply;
}

/** The path pattern of `/PREFIX/models/NAME[/versions/V]` followed by `suffix` (a regex fragment). */
export const modelPath = (prefix: string, suffix: string) =>
  new RegExp(`^/${prefix}/models/(?<name>[^/:]+)(?:/versions/(?<version>[^/:]+))?${suffix}$`);

/** The model version a `/models/NAME[/versions/V]` path names (404 when unknown). */
export const servedModel = (request: RouteRequest) => request.repository.get(request.params.name!, request.params.version);

/** True for a JSON object (not an array, not null). */
export const isJsonObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
