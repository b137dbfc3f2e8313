/** Removes terminal colour codes (Python kernels colour their tracebacks) for logs and XML reports. */
export function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}
