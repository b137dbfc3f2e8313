import { DataKernelError } from '../errors.js';
import { scrub } from '../connectors/uri.js';
import type { StreamAddress } from './stream-uri.js';

/** A broker that cannot be reached, named with its URI (never its password) and what to check. */
export function unreachable(address: StreamAddress, error: unknown): DataKernelError {
  const reason = scrub(String((error as Error)?.message ?? error).split('\n')[0], [address.password]);
  return new DataKernelError(
    `Cannot reach ${address.broker.toUpperCase()} broker at ${address.display}: ${reason}`,
    `Check that the broker is running and listening on ${address.servers.join(', ')}, and the host, port and credentials in the URI.`,
    { cause: error },
  );
}

/** The broker went away during a read: nothing past `lastSequence` was handed on. */
export function lostMidRead(address: StreamAddress, lastSequence: number, error?: unknown): DataKernelError {
  const reason = error ? `: ${scrub(String((error as Error)?.message ?? error).split('\n')[0], [address.password])}` : '';
  return new DataKernelError(
    `Lost the connection to ${address.broker.toUpperCase()} at ${address.display} mid-read, after sequence ${lastSequence}${reason}`,
    'Nothing past that sequence was used or recorded. Restart the broker (or check the network) and run the cell again; it resumes from there.',
    { cause: error },
  );
}
