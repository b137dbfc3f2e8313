/** Counts per bucket (not cumulative), their sum and count: a histogram that sums across workers. */
export interface HistogramData {
  counts: number[];
  sum: number;
  count: number;
}

/** Every metric a server keeps, as plain data so cluster workers can send it to the primary to be summed. */
export interface MetricsSnapshot {
  /** Requests by `endpoint\u0000status`. */
  requests: Record<string, number>;
  /** Request latency in seconds by endpoint. */
  latency: Record<string, HistogramData>;
  /** Rows per model call by model name. */
  batchSize: Record<string, HistogramData>;
  inFlight: number;
}

/** Latency bucket bounds in seconds (Prometheus client defaults, finer below 10 ms where serving lives). */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Batch size bucket bounds in rows. */
export const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

const KEY_SEPARATOR = '\u0000';

const emptyHistogram = (bounds: readonly number[]): HistogramData => ({ counts: new Array(bounds.length + 1).fill(0), sum: 0, count: 0 });

function observe(histogram: HistogramData, bounds: readonly number[], value: number): void {
  let i = 0;
  while (i < bounds.length && value > bounds[i]) i++;
  histogram.counts[i]++;
  histogram.sum += value;
  histogram.count++;
}

/** The live metrics of one server process. */
export class ServerMetrics {
  private readonly data: MetricsSnapshot = { requests: {}, latency: {}, batchSize: {}, inFlight: 0 };

  requestStarted(): void {
    this.data.inFlight++;
  }

  requestFinished(endpoint: string, status: number, seconds: number): void {
    this.data.inFlight--;
    const key = `${endpoint}${KEY_SEPARATOR}${status}`;
    this.data.requests[key] = (this.data.requests[key] ?? 0) + 1;
    observe((this.data.latency[endpoint] ??= emptyHistogram(LATENCY_BUCKETS)), LATENCY_BUCKETS, seconds);
  }

  batchRun(model: string, rows: number): void {
    observe((this.data.batchSize[model] ??= emptyHistogram(BATCH_BUCKETS)), BATCH_BUCKETS, rows);
  }

  snapshot(): MetricsSnapshot {
    return structuredClone(this.data);
  }
}

function addHistograms(into: Record<string, HistogramData>, from: Record<string, HistogramData>): void {
  for (const [key, h] of Object.entries(from)) {
    const target = (into[key] ??= { counts: new Array(h.counts.length).fill(0), sum: 0, count: 0 });
    h.counts.forEach((c, i) => (target.counts[i] += c));
    target.sum += h.sum;
    target.count += h.count;
  }
}

/** The sum of several processes' snapshots (what a cluster reports as one server). */
export function mergeSnapshots(snapshots: readonly MetricsSnapshot[]): MetricsSnapshot {
  const merged: MetricsSnapshot = { requests: {}, latency: {}, batchSize: {}, inFlight: 0 };
  for (const s of snapshots) {
    for (const [key, n] of Object.entries(s.requests)) merged.requests[key] = (merged.requests[key] ?? 0) + n;
    addHistograms(merged.latency, s.latency);
    addHistograms(merged.batchSize, s.batchSize);
    merged.inFlight += s.inFlight;
  }
  return merged;
}

// Prometheus text format 0.0.4: label values escape backslash, double quote and newline.
const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function histogramLines(name: string, label: string, histograms: Record<string, HistogramData>, bounds: readonly number[]): string[] {
  const lines: string[] = [];
  for (const [key, h] of Object.entries(histograms)) {
    const labelText = `${label}="${escapeLabel(key)}"`;
    let cumulative = 0;
    bounds.forEach((bound, i) => {
      cumulative += h.counts[i];
      lines.push(`${name}_bucket{${labelText},le="${bound}"} ${cumulative}`);
    });
    lines.push(`${name}_bucket{${labelText},le="+Inf"} ${h.count}`, `${name}_sum{${labelText}} ${h.sum}`, `${name}_count{${labelText}} ${h.count}`);
  }
  return lines;
}

/** Content-Type of the Prometheus text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The snapshot in the Prometheus text exposition format. */
export function renderPrometheus(snapshot: MetricsSnapshot): string {
  const lines = [
    '# HELP datakernel_serve_requests_total Requests answered, by endpoint and HTTP status.',
    '# TYPE datakernel_serve_requests_total counter',
  ];
  for (const [key, n] of Object.entries(snapshot.requests)) {
    const [endpoint, status] = key.split(KEY_SEPARATOR);
    lines.push(`datakernel_serve_requests_total{endpoint="${escapeLabel(endpoint)}",status="${status}"} ${n}`);
  }
  lines.push(
    '# HELP datakernel_serve_request_duration_seconds Time from request received to response sent.',
    '# TYPE datakernel_serve_request_duration_seconds histogram',
    ...histogramLines('datakernel_serve_request_duration_seconds', 'endpoint', snapshot.latency, LATENCY_BUCKETS),
    '# HELP datakernel_serve_batch_size Rows per model call after request batching.',
    '# TYPE datakernel_serve_batch_size histogram',
    ...histogramLines('datakernel_serve_batch_size', 'model', snapshot.batchSize, BATCH_BUCKETS),
    '# HELP datakernel_serve_in_flight_requests Requests being handled now.',
    '# TYPE datakernel_serve_in_flight_requests gauge',
    `datakernel_serve_in_flight_requests ${snapshot.inFlight}`,
  );
  return `${lines.join('\n')}\n`;
}
