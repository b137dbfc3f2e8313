import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/** A program running in a real terminal (tmux), driven by keystrokes and read from the screen. */
export class TmuxTerminal {
  // Each terminal gets its own tmux server, so suites never disturb each other's sessions.
  private readonly socket = `dk-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(command: string, options: { columns?: number; rows?: number; cwd?: string; env?: Record<string, string> } = {}) {
    const env = Object.entries(options.env ?? {}).flatMap(([name, value]) => ['-e', `${name}=${value}`]);
    const cwd = options.cwd ? ['-c', options.cwd] : [];
    // The shell stays after the program ends so its last screen and exit code can still be read.
    const script = `${command}; echo "[exit $?]"; sleep 600`;
    this.tmux('new-session', '-d', '-s', 'main', '-x', String(options.columns ?? 100), '-y', String(options.rows ?? 40), ...cwd, ...env, script);
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Types text literally (no key names). */
  type(text: string): void {
    this.tmux('send-keys', '-t', 'main', '-l', text);
  }

  /** Presses keys by tmux name: Enter, Tab, Up, C-c, C-r... */
  press(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'main', ...keys);
  }

  /** The screen and the scrollback, as text. */
  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', 'main', '-S', '-500');
  }

  /** Waits until the screen matches, and returns it; fails with the screen when it does not in time. */
  async waitFor(pattern: RegExp | string, timeoutMs = 45_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.screen();
      if (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)) return text;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; the screen:\n${text}`);
      await sleep(100);
    }
  }

  close(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // Already gone.
    }
  }
}
