const UNITS: Array<[string, number]> = [
  ['s', 1],
  ['ms', 1e-3],
  ['µs', 1e-6],
  ['ns', 1e-9],
];

/** Seconds as IPython writes them: three significant digits in the largest unit that keeps them >= 1. */
export function formatDuration(seconds: number): string {
  if (seconds >= 60) {
    const minutes = Math.floor(seconds / 60);
    return `${minutes} min ${(seconds - minutes * 60).toFixed(0)} s`;
  }
  for (const [unit, size] of UNITS) {
    if (seconds >= size) return `${(seconds / size).toPrecision(3)} ${unit}`;
  }
  return seconds === 0 ? '0 ns' : `${(seconds / 1e-9).toPrecision(3)} ns`;
}
