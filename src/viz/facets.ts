import type { Axis, Layout, Trace } from './figure.js';

/** At most this many facet panels; more would be too small to read. */
export const MAX_FACETS = 24;
const GAP = 0.04;

/** Panels per row for `count` facets: close to square, at most 4 wide. */
const gridColumns = (count: number) => Math.min(4, Math.ceil(Math.sqrt(count)));

/** The paper-space box of panel `index` among `count`, rows from the top. */
export function panelDomain(index: number, count: number): { x: [number, number]; y: [number, number] } {
  const columns = gridColumns(count);
  const rows = Math.ceil(count / columns);
  const column = index % columns;
  const row = Math.floor(index / columns);
  const width = 1 / columns;
  const height = 1 / rows;
  const x: [number, number] = [column * width + (column ? GAP / 2 : 0), (column + 1) * width - (column < columns - 1 ? GAP / 2 : 0)];
  const top = 1 - row * height;
  const y: [number, number] = [top - height + (row < rows - 1 ? GAP * 1.5 : 0), top - (row ? GAP / 2 : 0) - (count > 1 ? GAP : 0)];
  return { x, y };
}

/** Puts a cartesian trace on the axes of facet panel `index` (plotly's x2/y2... naming). */
export function onPanel(trace: Trace, index: number): Trace {
  return index === 0 ? trace : { ...trace, xaxis: `x${index + 1}`, yaxis: `y${index + 1}` };
}

/** Axes and panel titles for cartesian facets; the base axes carry the titles. */
export function facetLayout(values: unknown[], column: string | undefined, xaxis: Axis, yaxis: Axis): Layout {
  if (column === undefined || values.length <= 1) return { xaxis, yaxis };
  const layout: Layout = { annotations: [] };
  values.forEach((value, i) => {
    const { x, y } = panelDomain(i, values.length);
    const suffix = i === 0 ? '' : String(i + 1);
    layout[`xaxis${suffix}`] = { ...xaxis, domain: x, anchor: `y${suffix}`, title: i === values.length - 1 ? xaxis.title : undefined };
    layout[`yaxis${suffix}`] = { ...yaxis, domain: y, anchor: `x${suffix}`, title: i === 0 ? yaxis.title : undefined };
    layout.annotations!.push(panelTitle(column, value, x, y));
  });
  return layout;
}

/** The "column=value" caption above a panel. */
export function panelTitle(column: string, value: unknown, x: [number, number], y: [number, number]) {
  return { text: `${column}=${String(value)}`, x: (x[0] + x[1]) / 2, y: y[1], xref: 'paper', yref: 'paper', xanchor: 'center', yanchor: 'bottom', showarrow: false };
}
