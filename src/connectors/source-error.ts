import { DataKernelError } from '../errors.js';
import { scrub } from './uri.js';

/** "LINE n: text" with a caret under 0-based `offset` of `sql`, as DuckDB shows its errors. */
export function caretAt(sql: string, offset: number): string {
  const before = sql.slice(0, offset);
  const lineNo = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = sql.indexOf('\n', offset);
  const line = sql.slice(lineStart, lineEnd === -1 ? sql.length : lineEnd);
  const label = `LINE ${lineNo}: `;
  return `${label}${line}\n${' '.repeat(label.length + offset - lineStart)}^`;
}

const LOST = /terminat|Connection (lost|terminated|closed)|ECONNRESET|EPIPE|server has gone away|PROTOCOL_CONNECTION_LOST|not queryable/i;

/** True when a driver error means the connection is gone (so the next use should reconnect). */
export const isConnectionLost = (error: unknown): boolean => LOST.test(String((error as Error)?.message ?? error)) || LOST.test(String((error as { code?: string })?.code ?? ''));

/**
 * A driver error as a DataKernelError naming the source (its redacted URI), with secrets scrubbed from the
 * message and a hint chosen from the error code.
 */
export function sourceError(error: unknown, source: { displayUri: string; secrets: Array<string | undefined>; sql?: string }): DataKernelError {
  const e = error as { message?: string; code?: string; errno?: number; position?: string };
  let message = scrub(String(e?.message ?? error), source.secrets);
  if (source.sql && e?.position && Number(e.position) > 0) message += `\n\n${caretAt(source.sql, Number(e.position) - 1)}`;
  const code = String(e?.code ?? '');
  let hint: string;
  if (code === '28P01' || code === '28000' || code === 'ER_ACCESS_DENIED_ERROR' || /password|authentication/i.test(message)) {
    hint = 'Check the user and password: put it in the URI as ${VAR} or env:VAR to read an environment variable, or add --password to be asked.';
  } else if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT') hint = 'Is the database server running and reachable at that host and port?';
  else if (code === '3D000' || code === 'ER_BAD_DB_ERROR') hint = 'The database does not exist: check the name at the end of the URI.';
  else if (code === 'ER_DBACCESS_DENIED_ERROR') hint = "The user may not use that database, or it does not exist: check the name at the end of the URI and the user's grants.";
  else if (code === '42P01' || code === 'ER_NO_SUCH_TABLE') hint = 'No such table: %connect NAME --tables lists the tables of a connection.';
  else if (code === '42601' || code === 'ER_PARSE_ERROR') hint = 'Fix the SQL syntax at the marked position (the query runs on the source, in its own dialect).';
  else if (isConnectionLost(error)) hint = 'The server closed the connection; run the cell again to reconnect.';
  else hint = 'The query ran on the source database itself; check it there.';
  return new DataKernelError(`${source.displayUri}: ${message}`, hint);
}
