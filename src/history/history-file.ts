import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the history lives: `$DATAKERNEL_HISTORY_FILE`, else `$XDG_DATA_HOME/datakernel/history.jsonl`,
 * else `~/.local/share/datakernel/history.jsonl`. Per user, not per project, as IPython's history is.
 */
export function historyFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DATAKERNEL_HISTORY_FILE) return env.DATAKERNEL_HISTORY_FILE;
  const dataHome = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(dataHome, 'datakernel', 'history.jsonl');
}
