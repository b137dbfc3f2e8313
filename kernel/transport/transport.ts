import type { Message } from '../protocol/message.js';

export type SendChannel = 'shell' | 'control' | 'iopub' | 'stdin';
export type ReceiveChannel = 'shell' | 'control' | 'stdin';

/** How the kernel core reaches clients; the ZeroMQ transport and the tests' fake both implement it. */
export interface Transport {
  send(channel: SendChannel, message: Message<unknown>): void;
  onMessage(handler: (channel: ReceiveChannel, message: Message) => void): void;
  /** Resolves once what was sent so far has left this thread: a cell about to block it must not hold back its busy/execute_input. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
