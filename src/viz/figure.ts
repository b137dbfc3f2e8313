/** A plotly trace: plotly.js accepts many more attributes than the ones our renderers read. */
export interface Trace {
  type?: 'scatter' | 'scattergl' | 'bar' | 'histogram' | 'box' | 'heatmap' | 'pie' | string;
  name?: string;
  x?: unknown[];
  y?: unknown[];
  z?: unknown[][];
  mode?: string;
  orientation?: 'v' | 'h';
  labels?: unknown[];
  values?: unknown[];
  width?: number | number[];
  q1?: number[];
  median?: number[];
  q3?: number[];
  lowerfence?: number[];
  upperfence?: number[];
  mean?: number[];
  xaxis?: string;
  yaxis?: string;
  domain?: { x?: [number, number]; y?: [number, number]; row?: number; column?: number };
  marker?: { color?: string | unknown[]; colors?: string[]; opacity?: number; size?: number };
  line?: { color?: string; width?: number };
  showlegend?: boolean;
  [attribute: string]: unknown;
}

/** A plotly axis (layout.xaxis, yaxis2...). */
export interface Axis {
  title?: string | { text?: string };
  type?: 'linear' | 'log' | 'date' | 'category' | '-';
  domain?: [number, number];
  anchor?: string;
  range?: [number, number];
  [attribute: string]: unknown;
}

/** A plotly layout; `xaxis2`, `yaxis2`... hold the axes of facets. */
export interface Layout {
  title?: string | { text?: string };
  width?: number;
  height?: number;
  barmode?: 'group' | 'stack' | 'overlay' | 'relative';
  showlegend?: boolean;
  annotations?: Array<{ text: string; x?: number; y?: number; xref?: string; yref?: string; showarrow?: boolean; [key: string]: unknown }>;
  [attribute: string]: unknown;
}

/** A plotly figure spec, the JSON that `application/vnd.plotly.v1+json` carries. */
export interface Figure {
  data: Trace[];
  layout?: Layout;
  config?: Record<string, unknown>;
}

/** The title text of a plotly title attribute (a string or `{text}`). */
export function titleText(title: Layout['title'] | Axis['title']): string | undefined {
  return typeof title === 'string' ? title : title?.text;
}

const AXIS_KEY = /^[xy]axis\d*$/;

/**
 * The figure with string titles (layout and axes) turned into `{text}`: plotly.js 3+ ignores the string
 * shorthand that plotly.py users (and older specs) write.
 */
export function withTitleObjects(figure: Figure): Figure {
  const layout = figure.layout;
  if (!layout) return figure;
  const titled = <T extends { title?: unknown }>(part: T): T => (typeof part.title === 'string' ? { ...part, title: { text: part.title } } : part);
  const axes = Object.entries(layout).filter(([key, value]) => AXIS_KEY.test(key) && value && typeof value === 'object');
  return { ...figure, layout: { ...titled(layout), ...Object.fromEntries(axes.map(([key, axis]) => [key, titled(axis as Axis)])) } };
}
