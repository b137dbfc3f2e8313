/** What the kernel needs from a history store (src/history implements it). */
export interface KernelHistory {
  record(executionCount: number, source: string): void;
  /** Entries as [session, line, source]. */
  tail(n: number): Array<[number, number, string]>;
  range(session: number, start: number, stop: number | undefined): Array<[number, number, string]>;
  search(pattern: string, n: number | undefined, unique: boolean): Array<[number, number, string]>;
}
