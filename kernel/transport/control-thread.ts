/*
 * The control thread: owns the control and heartbeat sockets, so heartbeat, interrupt_request and kernel_info on
 * control keep answering while a cell spins on the main thread (ipykernel runs control on its own thread too).
 * Shell, stdin and IOPub stay on the main thread: no thread hop on the execute round-trip.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { endpoint, type ConnectionInfo } from '../protocol/connection.js';
import { makeMessage, replyType, type Message } from '../protocol/message.js';
import { ReplayGuard, Signer } from '../protocol/wire.js';
import { frame, log, receive, SerialSender } from './socket-io.js';
import { zeromq } from './zeromq.js';

const info = workerData.connection as ConnectionInfo;
const session = workerData.session as string;
const kernelInfo = workerData.kernelInfo as Record<string, unknown>;
const signer = new Signer(info.key, info.signature_scheme);
const port = parentPort!;
const control = new zeromq.Router();
const heartbeat = new zeromq.Reply();
const controlSender = new SerialSender(control);

/** Control requests answered here; an interrupt becomes a SIGINT, which the engine turns into stopping the cell. */
const answeredHere: Record<string, () => Record<string, unknown>> = {
  kernel_info_request: () => kernelInfo,
  interrupt_request: () => {
    setImmediate(() => process.kill(process.pid, 'SIGINT'));
    return { status: 'ok' };
  },
};

function answer(request: Message, content: Record<string, unknown>): void {
  // The main thread owns IOPub: it publishes these status messages when it is free, so while a cell spins they
  // follow the cell's own messages (an "idle" in the middle of a running cell would mislead front ends anyway).
  const status = (state: string) => port.postMessage({ type: 'iopub', message: makeMessage('status', { execution_state: state }, { session, parent: request }) });
  status('busy');
  controlSender.send(frame(makeMessage(replyType(request.header.msg_type), content, { session, parent: request }), signer));
  status('idle');
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

async function echoHeartbeats(): Promise<void> {
  for await (const frames of heartbeat) await heartbeat.send(frames);
}

async function start(): Promise<void> {
  await Promise.all([control.bind(endpoint(info, 'control')), heartbeat.bind(endpoint(info, 'hb'))]);
  port.on('message', (command: { type: 'send'; message: Message<unknown> } | { type: 'close' }) => {
    if (command.type === 'send') controlSender.send(frame(command.message, signer));
    else {
      control.close();
      heartbeat.close();
      port.close();
    }
  });
  watchParent();
  void receive('control', control, signer, new ReplayGuard(), (message, signature) => {
    const type = message.header.msg_type;
    if (Object.hasOwn(answeredHere, type)) answer(message, answeredHere[type]());
    // The main thread checks it against what shell and stdin took too: a message captured there and replayed
    // here is as much a replay (ipykernel keeps one digest history for every channel).
    else port.postMessage({ type: 'message', message, signature });
  });
  void echoHeartbeats();
}

start().catch((error) => {
  port.postMessage({ type: 'failed', error: `Cannot bind the kernel's sockets: ${(error as Error).message}` });
});
