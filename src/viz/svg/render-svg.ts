import { axisKind, makeScale, type Scale } from '../axis-scale.js';
import type { Figure } from '../figure.js';
import { scene, textLines, type CartesianPanel, type Mark, type PiePanel } from '../panels.js';
import { tickLabel, viridis } from '../scale.js';
import { escapeXml, stackedBars, svgArc, type Box } from './svg-parts.js';

const FONT = `font-family="'Open Sans', verdana, arial, sans-serif"`;
const TEXT = '#444';
const GRID = '#e5e5e5';
const MAX_LABEL = 16;

const clipLabel = (text: string, max = MAX_LABEL) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
// Rotated tick labels are cut shorter so they and the axis title fit in the bottom margin.
const MAX_ROTATED_LABEL = 9;
const fixed = (n: number) => Number(n.toFixed(1));

function axisTitle(axis: { title?: unknown }): string {
  const t = axis.title;
  return textLines(typeof t === 'string' ? t : (t as { text?: string } | undefined)?.text).join(' ');
}

/** Every value a panel puts on its x and y axes, with the numbers each axis must include. */
function extents(panel: CartesianPanel, barmode: string) {
  const xs: unknown[] = [];
  const ys: unknown[] = [];
  const yInclude: number[] = [];
  const xInclude: number[] = [];
  for (const m of panel.marks) {
    if (m.type === 'box') {
      xs.push(...m.x);
      ys.push(...m.boxes.flatMap((b) => [b.lowerfence, b.upperfence]));
    } else if (m.type === 'heatmap') {
      xs.push(...m.x);
      ys.push(...m.y);
    } else {
      xs.push(...m.x);
      if (m.type === 'bar' && m.width !== undefined) m.x.forEach((x) => typeof x === 'number' && xInclude.push(x - m.width! / 2, x + m.width! / 2));
    }
    if (m.type === 'scatter') ys.push(...m.y);
  }
  const bars = panel.marks.filter((m): m is Extract<Mark, { type: 'bar' }> => m.type === 'bar');
  if (bars.length) {
    yInclude.push(0);
    ys.push(...(barmode === 'stack' || barmode === 'relative' ? [...stackedBars(bars).values()].flat(2) : bars.flatMap((b) => b.y)));
  }
  return { xs, ys, xInclude, yInclude };
}

function cartesian(panel: CartesianPanel, box: Box, barmode: string): string {
  const heat = panel.marks.some((m) => m.type === 'heatmap');
  const hasBox = panel.marks.some((m) => m.type === 'box');
  const { xs, ys, xInclude, yInclude } = extents(panel, barmode);
  const xKind = heat || hasBox ? 'category' : axisKind(xs, panel.xaxis.type);
  const yKind = heat ? 'category' : axisKind(ys, panel.yaxis.type);
  const order = Array.isArray(panel.xaxis.categoryarray) ? panel.xaxis.categoryarray : undefined;
  const xScale = makeScale(xKind, xs, { include: xInclude, pad: xInclude.length === 0, ticks: Math.max(2, Math.round(box.w / 90)), order });
  const yScale = makeScale(yKind, ys, { include: yInclude, ticks: Math.max(2, Math.round(box.h / 60)) });
  const px = (v: unknown) => box.x + xScale.map(v) * box.w;
  const py = (v: unknown) => box.y + box.h - yScale.map(v) * box.h;
  const out: string[] = [];
  for (const t of yScale.ticks) out.push(`<line class="grid" x1="${box.x}" x2="${box.x + box.w}" y1="${fixed(box.y + box.h - t.at * box.h)}" y2="${fixed(box.y + box.h - t.at * box.h)}" stroke="${GRID}"/>`);
  out.push(...marks(panel.marks, xScale, yScale, px, py, box, barmode));
  out.push(`<line class="axis" x1="${box.x}" x2="${box.x + box.w}" y1="${box.y + box.h}" y2="${box.y + box.h}" stroke="#888"/>`);
  out.push(`<line class="axis" x1="${box.x}" x2="${box.x}" y1="${box.y}" y2="${box.y + box.h}" stroke="#888"/>`);
  const longest = Math.max(0, ...xScale.ticks.map((t) => clipLabel(t.label).length));
  const rotate = xScale.ticks.length * longest * 6.5 > box.w;
  for (const t of xScale.ticks) {
    const x = fixed(box.x + t.at * box.w);
    const y = box.y + box.h + 15;
    out.push(`<line class="tick" x1="${x}" x2="${x}" y1="${box.y + box.h}" y2="${box.y + box.h + 4}" stroke="#888"/>`);
    out.push(`<text class="xtick" x="${x}" y="${y}" text-anchor="${rotate ? 'end' : 'middle'}"${rotate ? ` transform="rotate(-35 ${x} ${y})"` : ''}>${escapeXml(clipLabel(t.label, rotate ? MAX_ROTATED_LABEL : MAX_LABEL))}</text>`);
  }
  for (const t of yScale.ticks) out.push(`<text class="ytick" x="${box.x - 6}" y="${fixed(box.y + box.h - t.at * box.h + 4)}" text-anchor="end">${escapeXml(clipLabel(t.label))}</text>`);
  const xTitle = axisTitle(panel.xaxis);
  const yTitle = axisTitle(panel.yaxis);
  if (xTitle) out.push(`<text class="xtitle" x="${fixed(box.x + box.w / 2)}" y="${box.y + box.h + (rotate ? 56 : 34)}" text-anchor="middle" font-size="13">${escapeXml(xTitle)}</text>`);
  if (yTitle) out.push(`<text class="ytitle" transform="translate(${box.x - 48} ${fixed(box.y + box.h / 2)}) rotate(-90)" text-anchor="middle" font-size="13">${escapeXml(yTitle)}</text>`);
  return out.join('\n');
}

function marks(list: Mark[], xScale: Scale, yScale: Scale, px: (v: unknown) => number, py: (v: unknown) => number, box: Box, barmode: string): string[] {
  const out: string[] = [];
  const bars = list.filter((m): m is Extract<Mark, { type: 'bar' }> => m.type === 'bar');
  const boxes = list.filter((m) => m.type === 'box');
  const stacked = barmode === 'stack' || barmode === 'relative';
  const stacks = stackedBars(bars);
  bars.forEach((m, i) => {
    const slots = stacked || barmode === 'overlay' ? 1 : bars.length;
    const slot = stacked || barmode === 'overlay' ? 0 : i;
    const opacity = barmode === 'overlay' && bars.length > 1 ? 0.6 : 1;
    m.x.forEach((x, j) => {
      const full = xScale.kind === 'category' ? xScale.band * 0.8 : m.width !== undefined ? xScale.span(x, m.width) * 0.98 : 0.8 / Math.max(1, m.x.length);
      const w = (full / slots) * box.w;
      const left = px(x) - (full * box.w) / 2 + slot * w;
      const [base, top] = stacked ? stacks.get(m)![j] : [0, m.y[j]];
      if (!Number.isFinite(left) || !Number.isFinite(top)) return;
      const y0 = py(base);
      const y1 = py(top);
      out.push(`<rect class="bar" x="${fixed(left)}" y="${fixed(Math.min(y0, y1))}" width="${fixed(Math.max(0.5, w))}" height="${fixed(Math.abs(y0 - y1))}" fill="${m.color}" fill-opacity="${opacity}"/>`);
    });
  });
  for (const m of list) {
    if (m.type === 'scatter') {
      const points = m.x.map((x, i) => [px(x), py(m.y[i])] as const);
      if (m.lines) {
        const d = points.map(([x, y], i) => (Number.isFinite(x) && Number.isFinite(y) ? `${i && Number.isFinite(points[i - 1][1]) ? 'L' : 'M'}${fixed(x)},${fixed(y)}` : '')).join('');
        out.push(`<path class="line" d="${d}" fill="none" stroke="${m.color}" stroke-width="2"/>`);
      }
      if (m.markers) for (const [x, y] of points) if (Number.isFinite(x) && Number.isFinite(y)) out.push(`<circle class="point" cx="${fixed(x)}" cy="${fixed(y)}" r="3" fill="${m.color}" fill-opacity="0.8"/>`);
    } else if (m.type === 'box') {
      const slot = boxes.indexOf(m);
      const full = xScale.band * 0.6 * box.w;
      const w = full / boxes.length;
      m.x.forEach((x, i) => {
        const b = m.boxes[i];
        const left = px(x) - full / 2 + slot * w;
        const mid = left + w / 2;
        out.push(
          `<g class="box"><line x1="${fixed(mid)}" x2="${fixed(mid)}" y1="${fixed(py(b.lowerfence))}" y2="${fixed(py(b.upperfence))}" stroke="${m.color}"/>` +
            `<rect x="${fixed(left + w * 0.1)}" y="${fixed(py(b.q3))}" width="${fixed(w * 0.8)}" height="${fixed(Math.max(0.5, py(b.q1) - py(b.q3)))}" fill="${m.color}" fill-opacity="0.35" stroke="${m.color}"/>` +
            `<line x1="${fixed(left + w * 0.1)}" x2="${fixed(left + w * 0.9)}" y1="${fixed(py(b.median))}" y2="${fixed(py(b.median))}" stroke="${m.color}" stroke-width="2"/>` +
            [b.lowerfence, b.upperfence].map((f) => `<line x1="${fixed(left + w * 0.3)}" x2="${fixed(left + w * 0.7)}" y1="${fixed(py(f))}" y2="${fixed(py(f))}" stroke="${m.color}"/>`).join('') +
            '</g>',
        );
      });
    } else if (m.type === 'heatmap') {
      const values = m.z.flat().filter((v): v is number => v !== null && Number.isFinite(v));
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      const cw = xScale.band * box.w;
      const ch = yScale.band * box.h;
      m.z.forEach((row, r) =>
        row.forEach((v, c) => {
          if (v === null || !Number.isFinite(v)) return;
          out.push(`<rect class="cell" x="${fixed(px(m.x[c]) - cw / 2)}" y="${fixed(py(m.y[r]) - ch / 2)}" width="${fixed(cw + 0.3)}" height="${fixed(ch + 0.3)}" fill="${viridis(hi > lo ? (v - lo) / (hi - lo) : 0.5)}"><title>${escapeXml(`${String(m.x[c])}, ${String(m.y[r])}: ${v}`)}</title></rect>`);
        }),
      );
    }
  }
  return out;
}

function pie(panel: PiePanel, box: Box): string {
  const total = panel.values.reduce((t, v) => t + Math.max(0, v), 0);
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  const r = Math.max(10, Math.min(box.w, box.h) / 2 - 8);
  const out: string[] = [];
  let angle = 0;
  panel.values.forEach((value, i) => {
    if (!(value > 0) || total <= 0) return;
    const share = value / total;
    const title = `<title>${escapeXml(`${panel.labels[i]}: ${value} (${(share * 100).toFixed(1)}%)`)}</title>`;
    out.push(
      share >= 0.9999
        ? `<circle class="slice" cx="${fixed(cx)}" cy="${fixed(cy)}" r="${fixed(r)}" fill="${panel.colors[i]}" stroke="#fff">${title}</circle>`
        : `<path class="slice" d="${svgArc(cx, cy, r, angle, angle + share * 2 * Math.PI)}" fill="${panel.colors[i]}" stroke="#fff">${title}</path>`,
    );
    const middle = angle + share * Math.PI;
    if (share >= 0.04) out.push(`<text class="slice-label" x="${fixed(cx + Math.sin(middle) * r * 0.65)}" y="${fixed(cy - Math.cos(middle) * r * 0.65 + 4)}" text-anchor="middle" fill="#fff">${(share * 100).toFixed(share >= 0.1 ? 0 : 1)}%</text>`);
    angle += share * 2 * Math.PI;
  });
  return out.join('\n');
}

/** The heatmap colour scale, low at the bottom, with its end values. */
function colorbar(x: number, y: number, h: number, lo: number, hi: number): string {
  const stops = [0, 0.2, 0.4, 0.6, 0.8, 1].map((t) => `<stop offset="${t}" stop-color="${viridis(1 - t)}"/>`).join('');
  return `<g class="colorbar"><defs><linearGradient id="datakernel-viridis" x1="0" y1="0" x2="0" y2="1">${stops}</linearGradient></defs>
<rect x="${x}" y="${y}" width="14" height="${fixed(h)}" fill="url(#datakernel-viridis)"/>
<text x="${x + 18}" y="${y + 9}">${escapeXml(tickLabel(hi))}</text><text x="${x + 18}" y="${fixed(y + h)}">${escapeXml(tickLabel(lo))}</text></g>`;
}

/** A static SVG of a plotly figure (bar, histogram, scatter/line, box, heatmap, pie traces; facets; legend), no browser needed. */
export function renderSvg(figure: Figure): string {
  const layout = figure.layout ?? {};
  const width = Number(layout.width ?? 720);
  const height = Number(layout.height ?? 420);
  const s = scene(figure);
  const heat = s.panels.flatMap((p) => (p.kind === 'cartesian' ? p.marks : [])).flatMap((m) => (m.type === 'heatmap' ? m.z.flat() : []));
  const zValues = heat.filter((v): v is number => v !== null && Number.isFinite(v));
  const legendWidth = s.legend.length > 0 && (layout.showlegend ?? true) ? 150 : zValues.length ? 70 : 0;
  const captions = s.panels.some((p) => p.caption) ? 18 : 0;
  const top = 14 + s.title.length * 20 + captions;
  const pies = s.panels.every((p) => p.kind === 'pie');
  const area = { x: pies ? 10 : 70, y: top, w: 0, h: 0 };
  area.w = width - area.x - legendWidth - 20;
  area.h = height - top - (pies ? 10 : 62);
  const out: string[] = [];
  s.title.forEach((line, i) => out.push(`<text class="title" x="${area.x}" y="${22 + i * 20}" font-size="${i === 0 ? 17 : 12}"${i > 0 ? ' fill="#777"' : ''}>${escapeXml(line)}</text>`));
  const multi = s.panels.length > 1;
  for (const panel of s.panels) {
    const box: Box = {
      x: area.x + panel.domain.x[0] * area.w,
      y: area.y + (1 - panel.domain.y[1]) * area.h + (multi && panel.caption ? 4 : 0),
      w: (panel.domain.x[1] - panel.domain.x[0]) * area.w,
      h: (panel.domain.y[1] - panel.domain.y[0]) * area.h - (multi && panel.caption ? 4 : 0),
    };
    if (multi) {
      // Facet panels share one frame: inner panels keep room for their own tick labels.
      box.x += panel.domain.x[0] > 0 && panel.kind === 'cartesian' ? 40 : 0;
      box.w -= panel.domain.x[0] > 0 && panel.kind === 'cartesian' ? 40 : 0;
      box.h -= panel.domain.y[0] > 0 && panel.kind === 'cartesian' ? 24 : 0;
    }
    if (panel.caption) out.push(`<text class="caption" x="${fixed(box.x + box.w / 2)}" y="${fixed(box.y - 6)}" text-anchor="middle">${escapeXml(panel.caption)}</text>`);
    out.push(`<g class="panel">${panel.kind === 'pie' ? pie(panel, box) : cartesian(panel, box, s.barmode)}</g>`);
  }
  if (zValues.length && !s.legend.length) out.push(colorbar(width - legendWidth + 6, top + 6, Math.min(200, area.h - 12), Math.min(...zValues), Math.max(...zValues)));
  if (legendWidth && s.legend.length) {
    const x = width - legendWidth - 4;
    s.legend.slice(0, Math.floor((height - top) / 18)).forEach((entry, i) => {
      const y = top + 6 + i * 18;
      out.push(`<g class="legend-entry"><rect x="${x}" y="${y}" width="12" height="12" fill="${entry.color}"/><text x="${x + 18}" y="${y + 10}">${escapeXml(clipLabel(entry.name))}</text></g>`);
    });
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" class="datakernel-chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12" fill="${TEXT}">
<rect width="100%" height="100%" fill="#fff"/>
${out.join('\n')}
</svg>`;
}
