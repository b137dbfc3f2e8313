import { randomUUID } from 'node:crypto';
import { Engine } from '../src/engine/engine.js';
import { Session } from '../src/session/session.js';
import { KernelCore } from './core/kernel-core.js';
import { kernelInfo } from './core/kernel-info.js';
import type { KernelHistory } from './core/history.js';
import { readConnectionFile } from './protocol/connection.js';
import { ZmqTransport } from './transport/zmq-transport.js';

export interface KernelOptions {
  connectionFile: string;
  history?: KernelHistory;
}

/** Runs the Jupyter kernel for a connection file until a client shuts it down. */
export async function runKernel(options: KernelOptions): Promise<void> {
  const connection = await readConnectionFile(options.connectionFile);
  const session = randomUUID();
  const transport = await ZmqTransport.start(connection, session, kernelInfo());
  const engine = new Engine({ session: new Session(process.cwd()) });
  const stop = async (code: number) => {
    await Promise.race([engine.shutdown(), new Promise((resolve) => setTimeout(resolve, 2000))]);
    await transport.close();
    process.exit(code);
  };
  const core = new KernelCore({
    interpreter: engine,
    transport,
    session,
    history: options.history,
    // A restart is the client's job (it starts a new process); this one only has to exit cleanly.
    onShutdown: () => void stop(0),
  });
  Object.defineProperty(globalThis, 'comms', { value: core.comms, enumerable: false, configurable: true });
  process.on('SIGTERM', () => void stop(0));
  core.announce();
}
