/**
 * Up/down through earlier inputs and Ctrl-R reverse search, over a list oldest first. The draft being typed
 * is kept, so going down past the newest entry gives it back, as shells do.
 */
export class HistoryNavigator {
  private position: number;
  private draft = '';

  constructor(private readonly entries: string[]) {
    this.position = entries.length;
  }

  /** Adds a submitted input and resets navigation to the end. */
  push(source: string): void {
    if (source.trim() && this.entries.at(-1) !== source) this.entries.push(source);
    this.position = this.entries.length;
    this.draft = '';
  }

  /** The older entry, or undefined at the oldest. */
  previous(current: string): string | undefined {
    if (this.position === 0) return undefined;
    if (this.position === this.entries.length) this.draft = current;
    return this.entries[--this.position];
  }

  /** The newer entry, the draft after the newest, or undefined when already at the draft. */
  next(): string | undefined {
    if (this.position >= this.entries.length) return undefined;
    this.position++;
    return this.position === this.entries.length ? this.draft : this.entries[this.position];
  }

  /**
   * The newest entry containing `query`, searching back from `before` (exclusive; the end by default),
   * with its index so Ctrl-R again continues further back.
   */
  search(query: string, before = this.entries.length): { index: number; source: string } | undefined {
    if (!query) return undefined;
    for (let index = Math.min(before, this.entries.length) - 1; index >= 0; index--) {
      if (this.entries[index].includes(query)) return { index, source: this.entries[index] };
    }
    return undefined;
  }
}
