import { resolve } from 'node:path';
import { bundle } from '../../display/mime.js';
import { recordsTable, tableBundle } from '../../display/table.js';
import { DataKernelError, UsageError } from '../../errors.js';
import type { ServableModel } from '../../serve/servable.js';
import { defineMagic } from '../magic.js';

const USAGE = 'Usage: %serve NAME[@VERSION] [--port P] [--host H] [--features v1,v2] | %serve --list | %serve --stop NAME';

function number(value: unknown, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`%serve: ${flag} needs a whole number >= ${min}, got '${value}'`, USAGE);
  return n;
}

/** Where to send requests, one row per protocol endpoint, with a ready-to-run curl line. */
function endpoints(url: string, name: string, version: string, schema: readonly { name: string; type: string }[]) {
  const example = Object.fromEntries(schema.map((f) => [f.name, f.type === 'number' ? 0 : f.type === 'boolean' ? false : '']));
  const body = JSON.stringify({ instances: [example] }).replace(/'/g, "'\\''");
  return {
    rows: [
      { protocol: 'TF Serving REST', method: 'POST', url: `${url}/v1/models/${name}:predict` },
      { protocol: 'TF Serving REST', method: 'GET', url: `${url}/v1/models/${name}` },
      { protocol: 'Open Inference (V2)', method: 'POST', url: `${url}/v2/models/${name}/infer` },
      { protocol: 'Open Inference (V2)', method: 'GET', url: `${url}/v2/models/${name}` },
      { protocol: 'Prometheus', method: 'GET', url: `${url}/metrics` },
    ],
    caption: `Serving ${name}@${version} at ${url}`,
    curl: `curl -s ${url}/v1/models/${name}:predict -d '${body}'`,
  };
}

export default defineMagic({
  name: 'serve',
  kind: 'line',
  summary: 'Serve a stored model over HTTP (TF Serving REST and Open Inference / KServe V2)',
  description:
    'Starts an HTTP server in the kernel for the model (latest version unless NAME@VERSION), answering TensorFlow ' +
    'Serving REST (/v1/models/NAME:predict) and the Open Inference Protocol (/v2/models/NAME/infer), with ' +
    'Prometheus metrics at /metrics. Requests are validated against the model\'s input schema and requests that ' +
    'arrive together are batched. Models served on the same host and port share one server. ' +
    '`served = %serve NAME --port 0` gives served.url, served.model and served.version. For production, ' +
    'run `datakernel serve --model-dir .datakernel/models` (one worker per core). With --features v1,v2 requests ' +
    'carry only the views\' entity keys (and any request-time features): the rest is read from Redis, one pipeline ' +
    'per request; an unknown entity gets 404 unless the view declares defaults, and the logged rows hold the looked-up values.',
  args: {
    positionals: [{ name: 'model', description: 'NAME or NAME@VERSION to serve', optional: true }],
    options: {
      port: { type: 'string', short: 'p', description: 'port to listen on (0 picks a free one)', valueName: 'P', default: '8501' },
      host: { type: 'string', description: 'address to listen on (0.0.0.0 for every interface)', valueName: 'H', default: '127.0.0.1' },
      list: { type: 'boolean', description: 'list the models this kernel serves' },
      stop: { type: 'string', description: 'stop serving the model NAME', valueName: 'NAME' },
      'max-batch-size': { type: 'string', description: 'rows per model call at most', valueName: 'N', default: '64' },
      'batch-wait-ms': { type: 'string', description: 'how long a request waits for others to batch with (0: only those arriving together)', valueName: 'MS', default: '0' },
      'max-body-bytes': { type: 'string', description: 'larger request bodies get 413', valueName: 'BYTES', default: String(8 * 1024 * 1024) },
      'log-inputs': { type: 'string', description: 'append every request row to this JSONL file (for %drift)', valueName: 'PATH' },
      features: { type: 'string', description: 'feature views to look up: requests carry their entity keys, the rest comes from Redis', valueName: 'v1,v2' },
      redis: { type: 'string', description: 'with --features: the Redis URI (default $DATAKERNEL_REDIS_URL or redis://127.0.0.1:6379)', valueName: 'URL' },
    },
  },
  async run({ args }, ctx) {
    const { serverPool } = await import('../../serve/server-pool.js');
    const pool = serverPool(ctx.session);
    const { list, stop } = args.options;
    if (list) {
      const served = pool.list();
      if (served.length === 0) return bundle({ 'text/plain': 'No models served. Start one with %serve NAME.' });
      return bundle(tableBundle(recordsTable(served)));
    }
    if (typeof stop === 'string') {
      if (!(await pool.stop(stop))) throw new DataKernelError(`%serve: "${stop}" is not served`, '%serve --list shows what this kernel serves.');
      return bundle({ 'text/plain': `Stopped serving ${stop}` });
    }
    const spec = args.positionals[0];
    if (!spec) throw new UsageError('%serve: missing NAME (the model to serve)', USAGE);
    const logInputs = args.options['log-inputs'];
    const options = {
      port: number(args.options.port, '--port', 0),
      host: String(args.options.host),
      maxBatchSize: number(args.options['max-batch-size'], '--max-batch-size', 1),
      maxWaitMs: number(args.options['batch-wait-ms'], '--batch-wait-ms', 0),
      maxBodyBytes: number(args.options['max-body-bytes'], '--max-body-bytes', 1),
      logInputs: typeof logInputs === 'string' ? resolve(ctx.cwd(), logInputs) : undefined,
    };
    const { loadCachedModel } = await import('../../ml/predict.js');
    const loaded = await loadCachedModel(ctx.session, spec);
    const { features, redis } = args.options;
    let model: ServableModel = loaded;
    if (typeof features === 'string') {
      const { viewList, withOnlineFeatures } = await import('../../serve/online-lookup.js');
      model = await withOnlineFeatures(loaded, { views: viewList(features), session: ctx.session, redis: redis as string | undefined });
    }
    const server = await pool.serve(model, options);
    const info = endpoints(server.url, model.name, String(model.version), model.inputSchema);
    const table = tableBundle({ ...recordsTable(info.rows), caption: info.caption });
    // `served = %serve NAME --port 0` tells the cell where the model listens.
    const shown = bundle({
      'text/plain': `${table['text/plain']}\n${info.curl}`,
      'text/html': `${table['text/html']}<pre>${info.curl.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</pre>`,
    });
    return Object.assign(shown, { url: server.url, model: model.name, version: model.version });
  },
});
