/** A "nice" step (1, 2 or 5 times a power of ten) near `rough`, for ticks and histogram bins. */
export function niceStep(rough: number): number {
  if (!(rough > 0) || !Number.isFinite(rough)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

/** Tick positions covering [min, max] with about `count` nice steps. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (min === max) return [min];
  const step = niceStep((max - min) / count);
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step - 1e-9) * step; t <= max + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Short tick text: 1.2k, 3.4M, 0.25 — never 0.30000000000000004. */
export function tickLabel(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${Number((value / 1e9).toPrecision(3))}G`;
  if (abs >= 1e6) return `${Number((value / 1e6).toPrecision(3))}M`;
  if (abs >= 1e4) return `${Number((value / 1e3).toPrecision(3))}k`;
  return String(Number(value.toPrecision(4)));
}

/** Plotly express's default qualitative palette (Plotly). */
export const PALETTE = ['#636efa', '#EF553B', '#00cc96', '#ab63fa', '#FFA15A', '#19d3f3', '#FF6692', '#B6E880', '#FF97FF', '#FECB52'];

// Viridis at 6 stops: the sequential colour scale heatmaps use, in plotly's own spelling.
const VIRIDIS: Array<[number, string]> = [
  [0, '#440154'],
  [0.2, '#414487'],
  [0.4, '#2a788e'],
  [0.6, '#22a884'],
  [0.8, '#7ad151'],
  [1, '#fde725'],
];

/** The plotly colorscale heatmaps use. */
export const HEATMAP_SCALE = VIRIDIS.map(([stop, color]) => [stop, color]);

/** The Viridis colour at t in [0, 1]. */
export function viridis(t: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const upper = VIRIDIS.findIndex(([stop]) => stop >= clamped);
  if (upper <= 0) return VIRIDIS[0][1];
  const [s0, c0] = VIRIDIS[upper - 1];
  const [s1, c1] = VIRIDIS[upper];
  const f = (clamped - s0) / (s1 - s0);
  const channel = (i: number) => {
    const a = parseInt(c0.slice(1 + i * 2, 3 + i * 2), 16);
    const b = parseInt(c1.slice(1 + i * 2, 3 + i * 2), 16);
    return Math.round(a + (b - a) * f).toString(16).padStart(2, '0');
  };
  return `#${channel(0)}${channel(1)}${channel(2)}`;
}
