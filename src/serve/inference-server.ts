import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BatchingOptions } from './batcher.js';
import { badRequest, HttpError } from './http-error.js';
import { InputLog } from './input-log.js';
import { type MetricsSnapshot, PROMETHEUS_CONTENT_TYPE, renderPrometheus, ServerMetrics } from './metrics.js';
import { ModelRepository } from './model-repository.js';
import { openInferenceRoutes } from './open-inference.js';
import type { Reply, Route, RouteRequest } from './route.js';
import { tfServingRoutes } from './tf-serving.js';

/** How an inference server listens, batches and logs. */
export interface InferenceServerOptions extends BatchingOptions {
  /** @default "127.0.0.1" */
  host?: string;
  /** 0 picks a free port. @default 8501 (TF Serving's REST port) */
  port?: number;
  /** Larger request bodies get 413. @default 8 MiB */
  maxBodyBytes?: number;
  /** Appends every request's rows to this JSONL file, for %drift on live traffic. */
  logInputs?: string;
  /** Metrics of every process serving the port; a cluster worker asks its primary. @default this process's */
  collectMetrics?: (own: MetricsSnapshot) => Promise<MetricsSnapshot>;
}

const DEFAULT_MAX_BODY = 8 * 1024 * 1024;

const metricsRoute: Route = {
  method: 'GET',
  pattern: /^\/metrics$/,
  endpoint: 'metrics',
  handle: async (request) => ({ text: await request.metricsText(), contentType: PROMETHEUS_CONTENT_TYPE }),
};

/** Every route the server answers: TF Serving REST, Open Inference Protocol, Prometheus metrics. */
const routes: readonly Route[] = [...tfServingRoutes, ...openInferenceRoutes, metricsRoute];

function findRoute(method: string, path: string): { route: Route; params: Record<string, string | undefined> } {
  let pathMatched = false;
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    if (route.method !== method) {
      pathMatched = true;
      continue;
    }
    const params: Record<string, string | undefined> = {};
    try {
      for (const [key, value] of Object.entries(match.groups ?? {})) params[key] = value === undefined ? undefined : decodeURIComponent(value);
    } catch {
      throw badRequest(`Malformed percent-encoding in ${path}`);
    }
    return { route, params };
  }
  throw pathMatched ? new HttpError(405, `${method} is not allowed on ${path}`) : new HttpError(404, `No endpoint ${method} ${path}`);
}

function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        reject(tooLarge(limit));
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(badRequest(`The request body is not valid JSON: ${(error as Error).message}`));
      }
    });
    req.on('error', reject);
  });
}

const tooLarge = (limit: number) => new HttpError(413, `The request body is larger than ${limit} bytes; send fewer rows per request`);

function errorReply(error: unknown): Reply {
  if (error instanceof HttpError) return { status: error.status, json: { error: error.message } };
  return { status: 500, json: { error: `Prediction failed: ${error instanceof Error ? error.message : String(error)}` } };
}

/**
 * An HTTP server answering TensorFlow Serving REST and Open Inference Protocol (KServe V2) requests for
 * the models in its repository, batching requests that arrive together, with Prometheus metrics.
 */
export class InferenceServer {
  readonly metrics = new ServerMetrics();
  readonly repository: ModelRepository;
  private readonly server: Server;
  private readonly inputLog: InputLog | undefined;
  private readonly maxBodyBytes: number;
  private boundPort: number | undefined;

  constructor(private readonly options: InferenceServerOptions = {}) {
    this.inputLog = options.logInputs ? new InputLog(options.logInputs) : undefined;
    this.repository = new ModelRepository(this.metrics, options, this.inputLog);
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  /** Starts listening; resolves once the port is bound (rejects with EADDRINUSE and the like). */
  listen(): Promise<this> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 8501, this.options.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        this.boundPort = (this.server.address() as AddressInfo).port;
        resolve(this);
      });
    });
  }

  /** The port bound by listen() (kept after close, for messages). */
  get port(): number {
    return this.boundPort ?? this.options.port ?? 8501;
  }

  get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  /** The base URL clients use, e.g. http://127.0.0.1:8501. */
  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host}:${this.port}`;
  }

  /** Stops listening, drops idle keep-alive connections and closes the input log. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    this.repository.clear();
    await this.inputLog?.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    this.metrics.requestStarted();
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    let endpoint = 'unmatched';
    let reply: Reply;
    try {
      const { route, params } = findRoute(req.method ?? 'GET', path);
      endpoint = route.endpoint;
      const request: RouteRequest = {
        params,
        repository: this.repository,
        json: () => readJson(req, this.maxBodyBytes),
        metricsText: async () => {
          const own = this.metrics.snapshot();
          return renderPrometheus(this.options.collectMetrics ? await this.options.collectMetrics(own) : own);
        },
      };
      reply = await route.handle(request);
    } catch (error) {
      reply = errorReply(error);
    }
    const status = reply.status ?? 200;
    const body = reply.text ?? JSON.stringify(reply.json);
    const headers: Record<string, string | number> = {
      'content-type': reply.contentType ?? 'application/json',
      'content-length': Buffer.byteLength(body),
    };
    // An oversized body is left unread: close the connection instead of draining megabytes.
    if (status === 413) {
      headers.connection = 'close';
      res.on('finish', () => req.socket.destroy());
    }
    res.writeHead(status, headers).end(body);
    this.metrics.requestFinished(endpoint, status, (performance.now() - started) / 1000);
  }
}
