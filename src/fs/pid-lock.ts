import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/** Whether process `pid` runs (EPERM: it does, as another user's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock taken (release it when done), or the pid holding it (NaN: a holder between its open and its write). */
export type PidLockAttempt = { release: () => void } | { holder: number };

/**
 * Takes `path` as a lock file holding this process's pid, at once or not at all. A lock whose holder died (a
 * kernel killed mid-load) is taken over, so a crash never leaves a folder locked for good.
 */
export function tryPidLock(path: string): PidLockAttempt {
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return { release: () => rmSync(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder: number;
    try {
      holder = Number(readFileSync(path, 'utf8').trim() || NaN);
    } catch {
      continue; // released meanwhile
    }
    if (!Number.isInteger(holder) || holder === process.pid || processAlive(holder)) return { holder };
    rmSync(path, { force: true });
  }
}
