/** One line of a chart: a name and its y values at x = 1, 2, ... */
export interface Series {
  name: string;
  values: number[];
}

const COLORS = ['#636efa', '#EF553B', '#00cc96', '#ab63fa'];
const WIDTH = 420;
const HEIGHT = 200;
const PAD = 36;

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A small inline SVG line chart (e.g. loss per epoch); a lone point shows as a dot, no finite value as ''. */
export function lineChartSvg(title: string, series: Series[], xLabel: string): string {
  const finite = series.flatMap((s) => s.values.filter(Number.isFinite));
  const count = Math.max(1, ...series.map((s) => s.values.length));
  if (finite.length === 0) return '';
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  const span = high - low || 1;
  const x = (i: number) => PAD + (count === 1 ? (WIDTH - 2 * PAD) / 2 : (i * (WIDTH - 2 * PAD)) / (count - 1));
  const y = (v: number) => HEIGHT - PAD - ((v - low) / span) * (HEIGHT - 2 * PAD);
  const lines = series.map((s, k) => {
    const color = COLORS[k % COLORS.length];
    const points = s.values.map((v, i) => (Number.isFinite(v) ? `${x(i).toFixed(1)},${y(v).toFixed(1)}` : '')).filter(Boolean);
    const dots = points.length === 1 ? `<circle cx="${points[0].split(',')[0]}" cy="${points[0].split(',')[1]}" r="3" fill="${color}"/>` : '';
    const legend = `<text x="${WIDTH - PAD}" y="${14 + 14 * k}" text-anchor="end" fill="${color}" font-size="11">${escapeXml(s.name)}</text>`;
    return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.join(' ')}"/>${dots}${legend}`;
  });
  const labels = [
    `<text x="${PAD}" y="14" font-size="12" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${PAD - 4}" y="${y(high) + 4}" text-anchor="end" font-size="10">${high.toPrecision(3)}</text>`,
    `<text x="${PAD - 4}" y="${y(low) + 4}" text-anchor="end" font-size="10">${low.toPrecision(3)}</text>`,
    `<text x="${WIDTH / 2}" y="${HEIGHT - 6}" text-anchor="middle" font-size="10">${escapeXml(xLabel)} (1–${count})</text>`,
  ];
  const axes = `<path d="M${PAD},${PAD / 2} V${HEIGHT - PAD} H${WIDTH - PAD}" stroke="#888" fill="none"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif">${axes}${lines.join('')}${labels.join('')}</svg>`;
}
