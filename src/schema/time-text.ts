/** A moment as `2026-03-01 14:05:09 UTC`. */
export const formatTime = (date: Date): string => `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

const SPANS: Array<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['min', 60_000],
  ['s', 1000],
];

/** A time span as its two largest units, e.g. `2 d 3 h`, `5 min 10 s`, `0 s`. */
export function formatSpan(ms: number): string {
  const parts: string[] = [];
  let rest = Math.max(0, Math.round(ms));
  for (const [unit, size] of SPANS) {
    if (rest >= size || (unit === 's' && parts.length === 0)) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}
