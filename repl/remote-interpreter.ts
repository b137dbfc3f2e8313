import type { Interpreter } from '../src/engine/interpreter.js';

/**
 * An Interpreter over a running kernel's connection file (`datakernel repl --existing`, like
 * `jupyter console --existing`). Ctrl-C reaches this process as SIGINT and is passed on as an interrupt;
 * leaving the REPL leaves the kernel running for its other clients.
 */
export async function attachToKernel(connectionFile: string): Promise<Interpreter> {
  const { RemoteKernel } = await import('../src/client/remote-kernel.js');
  const kernel = await RemoteKernel.attach(connectionFile, { allowStdin: true });
  process.on('SIGINT', () => kernel.interrupt());
  return {
    execute: (request, output) => kernel.execute(request, output),
    complete: (code, cursor) => kernel.complete(code, cursor),
    inspect: (code, cursor, detail) => kernel.inspect(code, cursor, detail),
    isComplete: (code) => kernel.isComplete(code),
    interrupt: () => kernel.interrupt(),
    shutdown: async () => kernel.detach(),
  };
}
