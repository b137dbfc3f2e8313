import type { Mark } from '../panels.js';

/** A pixel rectangle: left, top, width, height. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Text safe inside SVG/XML elements and attributes. */
export const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The path of a pie slice from angle a0 to a1 (radians clockwise from 12 o'clock). */
export function svgArc(cx: number, cy: number, r: number, a0: number, a1: number): string {
  const at = (a: number) => `${(cx + Math.sin(a) * r).toFixed(2)},${(cy - Math.cos(a) * r).toFixed(2)}`;
  return `M${cx.toFixed(2)},${cy.toFixed(2)}L${at(a0)}A${r.toFixed(2)},${r.toFixed(2)} 0 ${a1 - a0 > Math.PI ? 1 : 0} 1 ${at(a1)}Z`;
}

/** [base, top] of every bar of every trace when bar traces stack (positives upwards, negatives downwards). */
export function stackedBars(bars: Array<Extract<Mark, { type: 'bar' }>>): Map<Mark, Array<[number, number]>> {
  const up = new Map<string, number>();
  const down = new Map<string, number>();
  return new Map(
    bars.map((mark) => [
      mark,
      mark.x.map((x, index): [number, number] => {
        const key = String(x);
        const value = Number.isFinite(mark.y[index]) ? mark.y[index] : 0;
        const sums = value >= 0 ? up : down;
        const base = sums.get(key) ?? 0;
        sums.set(key, base + value);
        return [base, base + value];
      }),
    ]),
  );
}
