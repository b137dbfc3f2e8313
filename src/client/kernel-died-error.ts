import { DataKernelError } from '../errors.js';

/** The kernel process ended (or stopped answering heartbeats) while it was needed. */
export class KernelDiedError extends DataKernelError {
  constructor(detail: string) {
    super(`The kernel died (${detail})`, 'A cell may have exited or crashed the kernel process, or it ran out of memory; restart the kernel to go on.');
    this.name = 'KernelDiedError';
  }
}
