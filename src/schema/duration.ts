import { DataKernelError } from '../errors.js';

const UNIT_MS: Record<string, number> = {
  ms: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
  w: 604_800_000, week: 604_800_000, weeks: 604_800_000,
  // Calendar units as their usual lengths: freshness limits do not need calendar precision.
  month: 2_592_000_000, months: 2_592_000_000, year: 31_536_000_000, years: 31_536_000_000,
};

/** Milliseconds of a duration written like `24h`, `90 min`, `1 day 6 hours`, `2d`. */
export function parseDuration(text: string): number {
  const parts = [...text.trim().toLowerCase().matchAll(/(\d+(?:\.\d+)?)\s*([a-z]+)\s*/gy)];
  const consumed = parts.reduce((n, p) => n + p[0].length, 0);
  if (!parts.length || consumed !== text.trim().length || parts.some((p) => UNIT_MS[p[2]] === undefined)) {
    throw new DataKernelError(`Not a duration: ${JSON.stringify(text)}`, 'Write a number and a unit, e.g. 30min, 24h, 2 days, 1 week.');
  }
  return parts.reduce((total, p) => total + Number(p[1]) * UNIT_MS[p[2]], 0);
}
