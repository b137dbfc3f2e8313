import { randomUUID } from 'node:crypto';
import type { Interpreter } from '../src/engine/interpreter.js';
import { KernelCore } from './core/kernel-core.js';
import type { KernelHistory } from './core/history.js';
import { kernelInfo } from './core/kernel-info.js';
import { readConnectionFile } from './protocol/connection.js';
import { ZmqTransport } from './transport/zmq-transport.js';

/**
 * Runs the Jupyter kernel for a connection file until a client shuts it down. Start-up is the sockets only: the
 * engine (transpiler, magics, display) and the history store load on first use, after the first kernel_info.
 */
export async function runKernel(connectionFile: string): Promise<void> {
  const connection = await readConnectionFile(connectionFile);
  const session = randomUUID();
  const transport = await ZmqTransport.start(connection, session, kernelInfo());
  let engine: Promise<Interpreter> | undefined;
  let history: Promise<KernelHistory | undefined> | undefined;
  const stop = async (code: number) => {
    if (engine) await Promise.race([engine.then((e) => e.shutdown()), new Promise((resolve) => setTimeout(resolve, 2000))]);
    await transport.close();
    process.exit(code);
  };
  const core = new KernelCore({
    interpreter: () => (engine ??= loadEngine()),
    history: () => (history ??= openHistory()),
    transport,
    session,
    // A restart is the client's job (it starts a new process); this one only has to exit cleanly.
    onShutdown: () => void stop(0),
  });
  Object.defineProperty(globalThis, 'comms', { value: core.comms, enumerable: false, configurable: true });
  process.on('SIGTERM', () => void stop(0));
  // Before the engine loads (it handles SIGINT itself) an interrupt has nothing to stop; it must not kill the kernel.
  process.on('SIGINT', () => undefined);
  core.announce();
}

async function loadEngine(): Promise<Interpreter> {
  const [{ Engine }, { Session }] = await Promise.all([import('../src/engine/engine.js'), import('../src/session/session.js')]);
  return new Engine({ session: new Session(process.cwd()) });
}

/** The shared history store, or none when it cannot be opened (the kernel then runs without history). */
async function openHistory(): Promise<KernelHistory | undefined> {
  try {
    const { kernelHistory } = await import('../src/history/kernel-history.js');
    return kernelHistory();
  } catch (error) {
    process.stderr.write(`[datakernel] history unavailable: ${(error as Error).message}\n`);
    return undefined;
  }
}
