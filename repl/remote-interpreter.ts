import type { Interpreter } from '../src/engine/interpreter.js';

/**
 * An Interpreter over a running kernel's connection file (`datakernel repl --existing`, like
 * `jupyter console --existing`). Ctrl-C reaches this process as SIGINT and is passed on as an interrupt.
 */
export async function attachToKernel(connectionFile: string): Promise<Interpreter> {
  const { RemoteKernel } = await import('../src/client/remote-kernel.js');
  const kernel = await RemoteKernel.attach(connectionFile, { allowStdin: true });
  process.on('SIGINT', () => kernel.interrupt());
  return kernel;
}
