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

/** The broker went away during a read; `lastSequence` is the last message received (not necessarily recorded). */
export function lostMidRead(address: StreamAddress, lastSequence: number, error?: unknown): DataKernelError {
  const reason = error ? `: ${scrub(String((error as Error)?.message ?? error).split('\n')[0], [address.password])}` : '';
  return new DataKernelError(
    `Lost the connection to ${address.broker.toUpperCase()} at ${address.display} mid-read, the last message received being sequence ${lastSequence}${reason}`,
    'A load records its position only for parts written in whole, so nothing is lost or written twice. Restart the broker (or check the network) and run the cell again; it resumes from the last recorded position.',
    { cause: error },
  );
}
