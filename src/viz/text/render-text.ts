import { axisKind, makeScale, type Scale } from '../axis-scale.js';
import type { Figure } from '../figure.js';
import { scene, textLines, type CartesianPanel, type Mark, type PiePanel } from '../panels.js';
import { tickLabel } from '../scale.js';
import { DotCanvas } from './braille.js';

const EIGHTHS = ' ▁▂▃▄▅▆▇█';
const PARTIAL = ' ▏▎▍▌▋▊▉█';
const SHADES = ' ░▒▓█';
const SERIES_GLYPHS = ['•', '×', '+', 'o', '*', '#', '%', '@'];
const BAR_FILLS = ['█', '▓', '▒', '░'];
const PLOT_ROWS = 14;
const MAX_ROWS = 30;

const clip = (text: string, width: number) => (text.length > width ? `${text.slice(0, Math.max(1, width - 1))}…` : text);

function axisTitle(axis: { title?: unknown }): string {
  const t = axis.title;
  return textLines(typeof t === 'string' ? t : (t as { text?: string } | undefined)?.text).join(' ');
}

/** A horizontal bar of `fraction` of `width` characters, in eighths. */
function hbar(fraction: number, width: number, fill = '█'): string {
  const eighths = Math.round(Math.max(0, Math.min(1, fraction)) * width * 8);
  const full = fill.repeat(Math.floor(eighths / 8));
  return fill === '█' ? full + (eighths % 8 ? PARTIAL[eighths % 8] : '') : full + (eighths % 8 >= 4 ? fill : '');
}

/** Tick labels under an axis of `width` characters, placed where they do not overlap. */
function tickLine(scale: Scale, width: number): string {
  const line = new Array<string>(width).fill(' ');
  let free = 0;
  for (const t of scale.ticks) {
    const label = clip(t.label, 12);
    const start = Math.min(width - label.length, Math.max(0, Math.round(t.at * (width - 1) - label.length / 2)));
    if (start < free) continue;
    for (let i = 0; i < label.length; i++) line[start + i] = label[i];
    free = start + label.length + 1;
  }
  return line.join('').trimEnd();
}

/** Rows of labelled horizontal bars: category bars, pie shares. */
function labelledBars(rows: Array<{ label: string; value: number; fill: string; text: string }>, columns: number): string[] {
  const shown = rows.slice(0, MAX_ROWS);
  const labelWidth = Math.min(20, Math.max(...shown.map((r) => r.label.length)));
  const textWidth = Math.max(...shown.map((r) => r.text.length));
  const barWidth = Math.max(10, columns - labelWidth - textWidth - 4);
  const max = Math.max(...shown.map((r) => Math.abs(r.value)), 0);
  const lines = shown.map((r) => `${clip(r.label, labelWidth).padStart(labelWidth)} │${hbar(max > 0 ? Math.abs(r.value) / max : 0, barWidth, r.fill)} ${r.text}`);
  if (rows.length > shown.length) lines.push(`${' '.repeat(labelWidth)} │ … ${rows.length - shown.length} more`);
  return lines;
}

const valueText = (v: number) => (Number.isFinite(v) ? tickLabel(v) : '');

/** Frames a plot area with y tick labels on the left and x tick labels below. */
function framed(body: string[], yScale: Scale | undefined, xScale: Scale, width: number, xTitle: string, yTitle: string): string[] {
  const yLabels = new Map<number, string>();
  for (const t of yScale?.ticks ?? []) yLabels.set(Math.round((1 - t.at) * (body.length - 1)), clip(t.label, 10));
  const gutter = Math.max(1, ...[...yLabels.values()].map((l) => l.length));
  const lines = yTitle ? [yTitle] : [];
  body.forEach((row, i) => lines.push(`${(yLabels.get(i) ?? '').padStart(gutter)} ┤${row}`));
  lines.push(`${' '.repeat(gutter)} └${'─'.repeat(width)}`);
  lines.push(`${' '.repeat(gutter + 2)}${tickLine(xScale, width)}`);
  if (xTitle) lines.push(`${' '.repeat(gutter + 2)}${xTitle.padStart(Math.floor((width + xTitle.length) / 2))}`);
  return lines;
}

/** The legend position of a series, so glyphs match the legend in every facet panel. */
type SeriesIndex = (name: string | undefined) => number | undefined;

function points(panel: CartesianPanel, marks: Array<Extract<Mark, { type: 'scatter' }>>, columns: number, series: SeriesIndex): string[] {
  const xs = marks.flatMap((m) => m.x);
  const ys = marks.flatMap((m) => m.y);
  const width = Math.max(10, columns - 14);
  const xScale = makeScale(axisKind(xs, panel.xaxis.type), xs, { ticks: Math.max(2, Math.floor(width / 14)) });
  const yScale = makeScale(axisKind(ys, panel.yaxis.type), ys, { ticks: 4 });
  const canvas = new DotCanvas(width, PLOT_ROWS);
  marks.forEach((m) => {
    const k = series(m.name);
    const glyph = k === undefined ? undefined : SERIES_GLYPHS[k % SERIES_GLYPHS.length];
    const at = m.x.map((x, i) => [xScale.map(x) * (canvas.dotWidth - 1), (1 - yScale.map(m.y[i])) * (canvas.dotHeight - 1)] as const);
    at.forEach(([x, y], i) => {
      if (!Number.isFinite(x) || !Number.isFinite(y)) return;
      const previous = at[i - 1];
      if (m.lines && previous && Number.isFinite(previous[0]) && Number.isFinite(previous[1])) canvas.line(previous[0], previous[1], x, y, glyph);
      else canvas.dot(x, y, glyph);
    });
  });
  return framed(canvas.lines(), yScale, xScale, width, axisTitle(panel.xaxis), axisTitle(panel.yaxis));
}

function columnsChart(panel: CartesianPanel, bars: Array<Extract<Mark, { type: 'bar' }>>, columns: number): string[] {
  // Numeric x (histograms): vertical columns; series are summed, a terminal cannot show stacks.
  const totals = new Map<number, { value: number; width?: number }>();
  for (const m of bars) m.x.forEach((x, i) => totals.set(Number(x), { value: (totals.get(Number(x))?.value ?? 0) + (m.y[i] || 0), width: m.width }));
  const xs = [...totals.keys()];
  const include = [...totals].flatMap(([x, t]) => (t.width ? [x - t.width / 2, x + t.width / 2] : [x]));
  const width = Math.max(10, columns - 14);
  const xScale = makeScale('linear', xs, { include, pad: false, ticks: Math.max(2, Math.floor(width / 12)) });
  const max = Math.max(...[...totals.values()].map((t) => t.value), 0);
  const yScale = makeScale('linear', [max], { include: [0], ticks: 3 });
  const heights = new Array<number>(width).fill(0);
  for (const [x, t] of totals) {
    const half = (t.width ?? 0) / 2;
    const from = Math.floor(xScale.map(x - half) * width);
    const to = Math.max(from + 1, Math.floor(xScale.map(x + half) * width));
    for (let c = Math.max(0, from); c < Math.min(width, to); c++) heights[c] = Math.max(heights[c], yScale.map(t.value) * PLOT_ROWS * 8);
  }
  const body = Array.from({ length: PLOT_ROWS }, (_, r) =>
    heights.map((h) => EIGHTHS[Math.max(0, Math.min(8, Math.round(h - (PLOT_ROWS - 1 - r) * 8)))]).join(''),
  );
  return framed(body, yScale, xScale, width, axisTitle(panel.xaxis), axisTitle(panel.yaxis));
}

function boxes(panel: CartesianPanel, marks: Array<Extract<Mark, { type: 'box' }>>, columns: number): string[] {
  const rows = marks.flatMap((m) => m.x.map((x, i) => ({ label: String(x) + (marks.length > 1 && m.name ? ` ${m.name}` : ''), box: m.boxes[i] })));
  const labelWidth = Math.min(20, Math.max(...rows.map((r) => r.label.length)));
  const width = Math.max(10, columns - labelWidth - 3);
  const scale = makeScale('linear', rows.flatMap((r) => [r.box.lowerfence, r.box.upperfence]), { ticks: Math.max(2, Math.floor(width / 12)) });
  const at = (v: number) => Math.max(0, Math.min(width - 1, Math.round(scale.map(v) * (width - 1))));
  const lines = rows.slice(0, MAX_ROWS).map(({ label, box }) => {
    const line = new Array<string>(width).fill(' ');
    for (let c = at(box.lowerfence); c <= at(box.upperfence); c++) line[c] = '─';
    for (let c = at(box.q1); c <= at(box.q3); c++) line[c] = '█';
    line[at(box.lowerfence)] = '├';
    line[at(box.upperfence)] = '┤';
    line[at(box.median)] = '┃';
    return `${clip(label, labelWidth).padStart(labelWidth)} │${line.join('')}`;
  });
  lines.push(`${' '.repeat(labelWidth)} └${'─'.repeat(width)}`, `${' '.repeat(labelWidth + 2)}${tickLine(scale, width)}`);
  const title = axisTitle(panel.yaxis);
  return title ? [...lines, `${' '.repeat(labelWidth + 2)}${title}`] : lines;
}

function heatmap(panel: CartesianPanel, m: Extract<Mark, { type: 'heatmap' }>, columns: number): string[] {
  const labelWidth = Math.min(16, Math.max(...m.y.map((y) => String(y).length)));
  const cellWidth = Math.max(1, Math.min(3, Math.floor((columns - labelWidth - 2) / Math.max(1, m.x.length))));
  const shownX = Math.min(m.x.length, Math.floor((columns - labelWidth - 2) / cellWidth));
  const values = m.z.flat().filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const shade = (v: number | null) => (v === null ? ' ' : SHADES[Math.max(1, Math.round(hi > lo ? ((v - lo) / (hi - lo)) * 4 : 4))]);
  const lines = m.y
    .map((y, r) => `${clip(String(y), labelWidth).padStart(labelWidth)} │${m.z[r].slice(0, shownX).map((v) => shade(v).repeat(cellWidth)).join('')}`)
    .reverse();
  const first = String(m.x[0]);
  const last = String(m.x[shownX - 1]);
  lines.push(`${' '.repeat(labelWidth)} └${'─'.repeat(shownX * cellWidth)}`);
  lines.push(`${' '.repeat(labelWidth + 2)}${first}${last.padStart(Math.max(last.length + 1, shownX * cellWidth - first.length))}`);
  lines.push(`${' '.repeat(labelWidth + 2)}${axisTitle(panel.xaxis)}  (░ ${valueText(lo)} … █ ${valueText(hi)})${shownX < m.x.length ? `, first ${shownX} of ${m.x.length} columns` : ''}`);
  return lines;
}

function cartesian(panel: CartesianPanel, columns: number, series: SeriesIndex): string[] {
  const heat = panel.marks.find((m) => m.type === 'heatmap');
  if (heat) return heatmap(panel, heat, columns);
  const boxMarks = panel.marks.filter((m) => m.type === 'box');
  if (boxMarks.length) return boxes(panel, boxMarks, columns);
  const bars = panel.marks.filter((m) => m.type === 'bar');
  if (bars.length && axisKind(bars.flatMap((m) => m.x), panel.xaxis.type) !== 'category') return columnsChart(panel, bars, columns);
  if (bars.length) {
    const rows = bars.flatMap((m) => m.x.map((x, i) => ({ label: `${String(x)}${bars.length > 1 && m.name ? ` ${m.name}` : ''}`, value: m.y[i], fill: BAR_FILLS[(series(m.name) ?? 0) % BAR_FILLS.length], text: valueText(m.y[i]) })));
    const title = axisTitle(panel.yaxis);
    return [...(title ? [`${axisTitle(panel.xaxis)} → ${title}`] : []), ...labelledBars(rows, columns)];
  }
  return points(panel, panel.marks.filter((m) => m.type === 'scatter'), columns, series);
}

function pie(panel: PiePanel, columns: number): string[] {
  const total = panel.values.reduce((t, v) => t + Math.max(0, v), 0);
  return labelledBars(
    panel.labels.map((label, i) => ({ label, value: panel.values[i], fill: '█', text: `${total > 0 ? ((panel.values[i] / total) * 100).toFixed(1) : '0'}% (${valueText(panel.values[i])})` })),
    columns,
  );
}

/** A Unicode rendering of a plotly figure for terminals: braille dots for points and lines, block bars, shaded heatmaps. */
export function renderText(figure: Figure, columns = 80): string {
  const s = scene(figure);
  const legend = new Map(s.legend.map((e, i) => [e.name, i]));
  const series: SeriesIndex = (name) => (s.legend.length > 1 && name !== undefined ? legend.get(name) : undefined);
  const lines = [...s.title];
  for (const panel of s.panels) {
    if (lines.length) lines.push('');
    if (panel.caption) lines.push(`── ${panel.caption} ──`);
    lines.push(...(panel.kind === 'pie' ? pie(panel, columns) : cartesian(panel, columns, series)));
  }
  const bars = s.panels.some((p) => p.kind === 'cartesian' && p.marks.some((m) => m.type === 'bar'));
  const pies = s.panels.every((p) => p.kind === 'pie');
  if (s.legend.length > 1 && !pies) {
    const glyphs = bars ? BAR_FILLS : SERIES_GLYPHS;
    lines.push('', s.legend.map((e, i) => `${glyphs[i % glyphs.length]} ${e.name}`).join('   '));
  }
  return lines.map((l) => l.trimEnd()).join('\n');
}
