import { DataKernelError } from '../errors.js';

/** A WAL position (log sequence number) as a 64-bit integer. */
export type Lsn = bigint;

/** Parses Postgres' `X/Y` notation (two hex halves). */
export function parseLsn(text: string): Lsn {
  const match = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i.exec(text.trim());
  if (!match) throw new DataKernelError(`Not a WAL position: ${text}`, 'WAL positions look like 0/16B3748 (pg_current_wal_lsn()).');
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

/** Formats an LSN in Postgres' `X/Y` notation, as pg_current_wal_lsn() prints it. */
export function formatLsn(lsn: Lsn): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}
