/** A failure the user can act on: a message that names the problem and a hint that names the fix. */
export class DataKernelError extends Error {
  constructor(
    message: string,
    /** What to do about it, shown under the message in every front end. */
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DataKernelError';
  }
}

/** A magic was called with arguments that do not fit its spec; the hint carries its usage line. */
export class UsageError extends DataKernelError {
  constructor(message: string, usage: string) {
    super(message, usage);
    this.name = 'UsageError';
  }
}

/** Raised inside a cell when the user interrupts it. */
export class InterruptedError extends Error {
  constructor() {
    super('Execution interrupted');
    this.name = 'KeyboardInterrupt';
  }
}

/** Text shown for any thrown value: message plus hint for DataKernelError, message for other errors. */
export function describeError(error: unknown): string {
  if (error instanceof DataKernelError) return error.hint ? `${error.message}\nHint: ${error.hint}` : error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
