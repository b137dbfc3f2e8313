import { titleText, type Axis, type Figure, type Trace } from './figure.js';
import { quantile } from './memory-frame.js';
import { niceStep, PALETTE } from './scale.js';

/** The five numbers a box shows. */
export interface BoxMark {
  q1: number;
  median: number;
  q3: number;
  lowerfence: number;
  upperfence: number;
}

/** One trace reduced to what a static renderer draws. */
export type Mark =
  | { type: 'bar'; name?: string; color: string; x: unknown[]; y: number[]; width?: number }
  | { type: 'scatter'; name?: string; color: string; x: unknown[]; y: unknown[]; lines: boolean; markers: boolean }
  | { type: 'box'; name?: string; color: string; x: unknown[]; boxes: BoxMark[] }
  | { type: 'heatmap'; x: unknown[]; y: unknown[]; z: Array<Array<number | null>> };

/** One x/y axis pair (a facet panel) and the marks on it. */
export interface CartesianPanel {
  kind: 'cartesian';
  domain: { x: [number, number]; y: [number, number] };
  xaxis: Axis;
  yaxis: Axis;
  marks: Mark[];
  caption?: string;
}

/** One pie (a facet panel of a pie chart). */
export interface PiePanel {
  kind: 'pie';
  domain: { x: [number, number]; y: [number, number] };
  labels: string[];
  values: number[];
  colors: string[];
  caption?: string;
}

/** A region of the figure drawn on its own. */
export type Panel = CartesianPanel | PiePanel;

/** A legend line: series name and colour. */
export interface LegendEntry {
  name: string;
  color: string;
  /** Plotly's legendrank: entries are listed by rank, then in trace order. */
  rank: number;
}

/** A figure reduced for static rendering: title lines, panels, legend. */
export interface Scene {
  title: string[];
  panels: Panel[];
  legend: LegendEntry[];
  barmode: string;
}

const numbers = (values: unknown[] | undefined): number[] => (values ?? []).map((v) => (typeof v === 'number' ? v : Number(v)));

/** Plain text lines of a plotly rich-text title ('A<br><sup>b</sup>'). */
export const textLines = (text: string | undefined): string[] =>
  (text ?? '')
    .split(/<br\s*\/?>/i)
    .map((line) => line.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim())
    .filter(Boolean);

/** A histogram trace of raw values, binned as plotly would (nice width, about sqrt(n) bins). */
function binned(trace: Trace, color: string): Mark {
  const horizontal = trace.x === undefined && trace.y !== undefined;
  const values = numbers(horizontal ? trace.y : trace.x).filter(Number.isFinite);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const step = max > min ? niceStep((max - min) / Math.min(50, Math.max(5, Math.ceil(Math.sqrt(values.length))))) : 1;
  const origin = max > min ? Math.floor(min / step) * step : min - 0.5;
  const counts = new Map<number, number>();
  for (const v of values) {
    const bin = Math.min(Math.floor((v - origin) / step), Math.max(0, Math.ceil((max - origin) / step) - 1));
    counts.set(bin, (counts.get(bin) ?? 0) + 1);
  }
  const bins = [...counts].sort((a, b) => a[0] - b[0]);
  return { type: 'bar', name: trace.name, color, x: bins.map(([b]) => origin + (b + 0.5) * step), y: bins.map(([, n]) => n), width: step };
}

/** Box statistics of a box trace: precomputed (q1, median...) or computed from raw y values. */
function boxes(trace: Trace): { x: unknown[]; boxes: BoxMark[] } {
  if (trace.q1 && trace.median && trace.q3) {
    return {
      x: trace.x ?? trace.q1.map(() => trace.name ?? ''),
      boxes: trace.q1.map((q1, i) => ({ q1, median: trace.median![i], q3: trace.q3![i], lowerfence: trace.lowerfence?.[i] ?? q1, upperfence: trace.upperfence?.[i] ?? trace.q3![i] })),
    };
  }
  const groups = new Map<string, number[]>();
  const values = numbers(trace.y);
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    const key = String(trace.x?.[i] ?? trace.name ?? '');
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(v);
  });
  return {
    x: [...groups.keys()],
    boxes: [...groups.values()].map((group) => {
      const sorted = group.sort((a, b) => a - b);
      const q1 = quantile(sorted, 0.25);
      const q3 = quantile(sorted, 0.75);
      const iqr = q3 - q1;
      return { q1, median: quantile(sorted, 0.5), q3, lowerfence: sorted.find((v) => v >= q1 - 1.5 * iqr)!, upperfence: sorted.findLast((v) => v <= q3 + 1.5 * iqr)! };
    }),
  };
}

function mark(trace: Trace, color: string): Mark | undefined {
  const type = trace.type ?? 'scatter';
  if (type === 'bar') return { type: 'bar', name: trace.name, color, x: trace.x ?? [], y: numbers(trace.y), width: typeof trace.width === 'number' ? trace.width : undefined };
  if (type === 'histogram') return binned(trace, color);
  if (type === 'scatter' || type === 'scattergl') {
    const mode = trace.mode ?? ((trace.x?.length ?? 0) > 20 ? 'lines' : 'lines+markers');
    const y = trace.y ?? [];
    return { type: 'scatter', name: trace.name, color, x: trace.x ?? y.map((_, i) => i), y, lines: mode.includes('lines'), markers: mode.includes('markers') };
  }
  if (type === 'box') return { type: 'box', name: trace.name, color, ...boxes(trace) };
  if (type === 'heatmap') {
    const z = (trace.z ?? []).map((row) => row.map((v) => (v === null || v === undefined ? null : Number(v))));
    return { type: 'heatmap', x: trace.x ?? (z[0] ?? []).map((_, i) => i), y: trace.y ?? z.map((_, i) => i), z };
  }
  return undefined;
}

const axisKey = (id: string | undefined, letter: 'x' | 'y') => `${letter}axis${(id ?? letter).slice(1)}`;

/** Reduces a plotly figure to panels of marks the SVG and text renderers share; unknown trace types are skipped. */
export function scene(figure: Figure): Scene {
  const layout = figure.layout ?? {};
  const panels = new Map<string, CartesianPanel>();
  const pies: PiePanel[] = [];
  const legend: LegendEntry[] = [];
  figure.data.forEach((trace, index) => {
    const color = typeof trace.marker?.color === 'string' ? trace.marker.color : (trace.line?.color ?? PALETTE[index % PALETTE.length]);
    if (trace.type === 'pie') {
      const labels = (trace.labels ?? []).map(String);
      const colors = trace.marker?.colors ?? labels.map((_, i) => PALETTE[i % PALETTE.length]);
      const domain = { x: trace.domain?.x ?? [0, 1], y: trace.domain?.y ?? [0, 1] } as PiePanel['domain'];
      pies.push({ kind: 'pie', domain, labels, values: numbers(trace.values), colors });
      return;
    }
    const m = mark(trace, color);
    if (!m) return;
    const key = `${trace.xaxis ?? 'x'}/${trace.yaxis ?? 'y'}`;
    if (!panels.has(key)) {
      const xaxis = (layout[axisKey(trace.xaxis, 'x')] ?? {}) as Axis;
      const yaxis = (layout[axisKey(trace.yaxis, 'y')] ?? {}) as Axis;
      panels.set(key, { kind: 'cartesian', domain: { x: xaxis.domain ?? [0, 1], y: yaxis.domain ?? [0, 1] }, xaxis, yaxis, marks: [] });
    }
    panels.get(key)!.marks.push(m);
    const shown = trace.showlegend ?? figure.data.length > 1;
    if (shown && trace.name && m.type !== 'heatmap' && !legend.some((e) => e.name === trace.name)) legend.push({ name: trace.name, color, rank: Number(trace.legendrank ?? 1000) });
  });
  const all: Panel[] = [...panels.values(), ...pies];
  // Facet captions are paper annotations sitting on top of a panel.
  for (const note of layout.annotations ?? []) {
    const panel = all.find((p) => Math.abs((p.domain.x[0] + p.domain.x[1]) / 2 - Number(note.x)) < 1e-6 && Math.abs(p.domain.y[1] - Number(note.y)) < 1e-6);
    if (panel) panel.caption = textLines(note.text).join(' ');
  }
  for (const pie of pies) pie.labels.forEach((name, i) => legend.some((e) => e.name === name) || legend.push({ name, color: pie.colors[i], rank: 1000 }));
  legend.sort((a, b) => a.rank - b.rank);
  return { title: textLines(titleText(layout.title)), panels: all, legend, barmode: String(layout.barmode ?? 'group') };
}
