/*
 * The socket thread: owns every ZeroMQ socket, so heartbeat and interrupt_request keep answering while a
 * cell spins on the main thread (what ipykernel does with its own threads). It verifies signatures on the way
 * in and signs on the way out; the main thread sees only decoded, verified messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Publisher, Reply, Router } from 'zeromq';
import { endpoint, type ConnectionInfo } from '../protocol/connection.js';
import { makeMessage, replyType, type Message } from '../protocol/message.js';
import { decode, encode, Signer, WireError } from '../protocol/wire.js';
import type { SendChannel } from './transport.js';

const info = workerData.connection as ConnectionInfo;
const session = workerData.session as string;
const kernelInfo = workerData.kernelInfo as Record<string, unknown>;
const signer = new Signer(info.key, info.signature_scheme);
const port = parentPort!;

/** zeromq sockets accept one send at a time; each socket gets a queue. */
class SerialSender {
  private tail: Promise<void> = Promise.resolve();
  constructor(private readonly socket: { send(frames: Buffer[]): Promise<void> }) {}
  send(frames: Buffer[]): void {
    this.tail = this.tail.then(() => this.socket.send(frames)).catch((error) => log(`send failed: ${(error as Error).message}`));
  }
}

function log(text: string): void {
  process.stderr.write(`[datakernel] ${text}\n`);
}

const shell = new Router();
const control = new Router();
const stdin = new Router();
const iopub = new Publisher();
const heartbeat = new Reply();
const senders: Record<SendChannel, SerialSender> = {
  shell: new SerialSender(shell),
  control: new SerialSender(control),
  stdin: new SerialSender(stdin),
  iopub: new SerialSender(iopub),
};

const toBuffers = (parts: Uint8Array[]) => parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength));

function send(channel: SendChannel, message: Message<unknown>): void {
  const framed = {
    ...message,
    identities: channel === 'iopub' ? [Buffer.from(`kernel.${session}.${message.header.msg_type}`)] : toBuffers(message.identities),
    buffers: toBuffers(message.buffers),
  };
  senders[channel].send(encode(framed, signer));
}

/*
 * Control requests answered on this thread, so they work while a cell blocks the main thread (ipykernel's
 * control thread does the same). An interrupt becomes a SIGINT: the engine stops spinning loops and awaits on it.
 */
const answeredHere: Record<string, () => Record<string, unknown>> = {
  kernel_info_request: () => kernelInfo,
  interrupt_request: () => {
    setImmediate(() => process.kill(process.pid, 'SIGINT'));
    return { status: 'ok' };
  },
};

function answer(request: Message, content: Record<string, unknown>): void {
  const status = (state: string) => send('iopub', makeMessage('status', { execution_state: state }, { session, parent: request }));
  status('busy');
  send('control', makeMessage(replyType(request.header.msg_type), content, { session, parent: request }));
  status('idle');
}

async function receive(channel: 'shell' | 'control' | 'stdin', socket: Router): Promise<void> {
  for await (const frames of socket) {
    let message: Message;
    try {
      message = decode(frames, signer);
    } catch (error) {
      if (error instanceof WireError) log(`dropped a message on ${channel}: ${error.message}`);
      else log(`dropped a message on ${channel}: ${String(error)}`);
      continue;
    }
    const here = channel === 'control' && Object.hasOwn(answeredHere, message.header.msg_type) ? answeredHere[message.header.msg_type] : undefined;
    if (here) answer(message, here());
    else port.postMessage({ type: 'message', channel, message });
  }
}

async function echoHeartbeats(): Promise<void> {
  for await (const frames of heartbeat) await heartbeat.send(frames);
}

/*
 * A kernel whose launcher died (jupyter_client sets JPY_PARENT_PID) would live on as an orphan: like ipykernel's
 * parent poller, ask the process to stop (SIGTERM) and kill it if a spinning cell keeps it from stopping.
 */
function watchParent(): void {
  const parent = Number(process.env.JPY_PARENT_PID);
  if (!parent || parent !== process.ppid) return;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    log('the process that launched this kernel is gone; shutting down');
    process.kill(process.pid, 'SIGTERM');
    setTimeout(() => process.kill(process.pid, 'SIGKILL'), 5000).unref();
  }, 1000);
  timer.unref();
}

async function start(): Promise<void> {
  await Promise.all([
    shell.bind(endpoint(info, 'shell')),
    control.bind(endpoint(info, 'control')),
    stdin.bind(endpoint(info, 'stdin')),
    iopub.bind(endpoint(info, 'iopub')),
    heartbeat.bind(endpoint(info, 'hb')),
  ]);
  port.on('message', (command: { type: 'send'; items: Array<{ channel: SendChannel; message: Message<unknown> }> } | { type: 'close' }) => {
    if (command.type === 'send') command.items.forEach((item) => send(item.channel, item.message));
    else {
      for (const socket of [shell, control, stdin, iopub, heartbeat]) socket.close();
      port.close();
    }
  });
  port.postMessage({ type: 'ready' });
  watchParent();
  void receive('shell', shell);
  void receive('control', control);
  void receive('stdin', stdin);
  void echoHeartbeats();
}

start().catch((error) => {
  port.postMessage({ type: 'failed', error: `Cannot bind the kernel's sockets: ${(error as Error).message}` });
});
