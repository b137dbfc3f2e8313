/** How alike two names are, 0 (nothing shared) to 1 (equal ignoring case), by edit distance. */
export function similarity(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= y.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (x[i - 1] === y[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return 1 - row[y.length] / Math.max(x.length, y.length, 1);
}

/** The known word closest to `word`, when it is close enough to be a likely typo. */
export function closestWord(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let score = 0.6;
  for (const candidate of known) {
    const s = similarity(word, candidate);
    if (s > score) {
      best = candidate;
      score = s;
    }
  }
  return best;
}
