import type { Session } from '../session/session.js';
import { DEFAULT_DISPLAY_ROWS } from '../display/table.js';

interface DisplaySettings {
  rows: number;
}

const settings = (session: Session) => session.service<DisplaySettings>('sql.display', () => ({ rows: DEFAULT_DISPLAY_ROWS }));

/** Rows a query result shows when displayed in this session. @default 20 */
export const displayLimit = (session: Session): number => settings(session).rows;

/** Sets how many rows query results show when displayed in this session. */
export function setDisplayLimit(session: Session, rows: number): void {
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`display limit must be a whole number >= 0, got ${rows}`);
  settings(session).rows = rows;
}
