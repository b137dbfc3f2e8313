import type { Publisher, Router } from 'zeromq';
import { type Message } from '../protocol/message.js';
import { decode, encode, type ReplayGuard, signatureOf, type Signer, WireError } from '../protocol/wire.js';

/** Writes a kernel log line to stderr (what Jupyter shows in its server log). */
export function log(text: string): void {
  process.stderr.write(`[datakernel] ${text}\n`);
}

/**
 * Sends on one socket in order. ZeroMQ takes a message at once when it can, without the event loop (zeromq.js
 * does up to 512 such sends in a row), so a cell that blocks the thread still gets its output out; a send it
 * refuses because one is still in flight waits in the queue behind that one.
 */
export class SerialSender {
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;
  constructor(private readonly socket: Router | Publisher) {}
  send(frames: Buffer[]): void {
    if (this.queued === 0) {
      try {
        this.tail = this.socket.send(frames).catch(failed);
        return;
      } catch {
        // Busy with a send that did not complete at once: queue behind it.
      }
    }
    this.queued++;
    this.tail = this.tail
      .then(() => this.socket.send(frames))
      .catch(failed)
      .finally(() => this.queued--);
  }
  /** Resolves once every frame given so far is in ZeroMQ's hands (its I/O thread delivers them from there). */
  sent(): Promise<void> {
    return this.tail;
  }
}

const failed = (error: unknown) => log(`send failed: ${(error as Error).message}`);

const toBuffers = (parts: Uint8Array[]) => parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength)));

/** Frames a message for a socket: IOPub messages carry their topic, others route back by their identities. */
export function frame(message: Message<unknown>, signer: Signer, iopubSession?: string): Buffer[] {
  const identities = iopubSession ? [Buffer.from(`kernel.${iopubSession}.${message.header.msg_type}`)] : toBuffers(message.identities);
  return encode({ ...message, identities, buffers: toBuffers(message.buffers) }, signer);
}

/** Message arrived through a thread boundary: its Buffers became Uint8Arrays. */
export function revive(message: Message): Message {
  return { ...message, identities: toBuffers(message.identities), buffers: toBuffers(message.buffers) };
}

/** Reads a socket until it closes; messages with a bad or missing signature, replays and bad JSON are logged and dropped. */
export async function receive(channel: string, socket: Router, signer: Signer, replays: ReplayGuard, onMessage: (message: Message, signature: Buffer) => void): Promise<void> {
  for await (const frames of socket) {
    let message: Message;
    try {
      message = decode(frames, signer, replays);
    } catch (error) {
      log(`dropped a message on ${channel}: ${error instanceof WireError ? error.message : String(error)}`);
      continue;
    }
    onMessage(message, signatureOf(frames));
  }
}
