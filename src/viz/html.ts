import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Figure } from './figure.js';

let plotlySource: string | undefined;
let shippedInSession = false;

function plotlyJs(): string {
  plotlySource ??= readFileSync(createRequire(import.meta.url).resolve('plotly.js-dist-min/plotly.min.js'), 'utf8');
  return plotlySource;
}

/**
 * plotly.js as one inline script that always sets window.Plotly: classic Notebook has require.js, whose
 * `define` would make a UMD bundle register an anonymous AMD module instead (plotly.py's offline mode has
 * the same problem), so the bundle runs with define/module/exports hidden, and is then also named 'plotly'
 * for require.js users.
 */
export function plotlyScript(): string {
  return `<script type="text/javascript">if (!window.Plotly) {(function (define, module, exports) {\n${plotlyJs()}\n}).call(window);
if (typeof window.define === 'function' && window.define.amd && typeof window.require === 'function' && !window.require.defined('plotly')) window.define('plotly', [], function () { return window.Plotly; });}</script>`;
}

/** JSON safe inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/<\//g, '<\\/').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/**
 * The chart's div and the script that draws it once window.Plotly exists (the first chart of the session,
 * or a standalone page, ships plotly.js). Until then, and wherever scripts do not run, the div shows `fallback`
 * (the static SVG).
 */
function drawing(figure: Figure, fallback: string): string {
  const id = `datakernel-plot-${randomUUID()}`;
  const height = figure.layout?.height ?? 420;
  const config = { responsive: true, displaylogo: false, ...figure.config };
  return `<div id="${id}" class="datakernel-plot" style="width:100%;min-height:${height}px">${fallback}</div>
<script type="text/javascript">(function () {
  var fig = ${scriptJson({ data: figure.data, layout: figure.layout ?? {}, config })};
  function draw() { var el = document.getElementById('${id}'); if (!el) return; el.innerHTML = ''; window.Plotly.newPlot(el, fig.data, fig.layout, fig.config); }
  if (window.Plotly) { draw(); return; }
  var waited = 0, timer = setInterval(function () { if (window.Plotly) { clearInterval(timer); draw(); } else if ((waited += 50) > 30000) clearInterval(timer); }, 50);
})();</script>`;
}

/** HTML for a notebook output: plotly.js is included with the first chart of this kernel session only. */
export function notebookHtml(figure: Figure, fallback: string): string {
  const ship = !shippedInSession;
  shippedInSession = true;
  return `${ship ? plotlyScript() : ''}${drawing(figure, fallback)}`;
}

/** Makes the next notebook chart include plotly.js again (e.g. after the output that carried it was cleared). */
export function reshipPlotly(): void {
  shippedInSession = false;
}

/** A self-contained HTML page showing the chart, plotly.js inline, for saving to a file and opening offline. */
export function standaloneHtml(figure: Figure, title: string, fallback: string): string {
  const escaped = title.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escaped}</title></head>\n<body>\n${plotlyScript()}\n${drawing(figure, fallback)}\n</body></html>\n`;
}
