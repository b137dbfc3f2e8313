import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Message } from './message.js';

const DELIMITER = Buffer.from('<IDS|MSG>');

/** Signs messages with the connection file's key (HMAC-SHA256); an empty key means no signing. */
export class Signer {
  private readonly key: Buffer;
  constructor(
    key: string,
    readonly scheme = 'hmac-sha256',
  ) {
    if (scheme !== 'hmac-sha256' && key) throw new Error(`Unsupported signature scheme ${scheme}; datakernel signs with hmac-sha256.`);
    this.key = Buffer.from(key, 'utf8');
  }
  sign(parts: Buffer[]): string {
    if (this.key.length === 0) return '';
    const hmac = createHmac('sha256', this.key);
    for (const part of parts) hmac.update(part);
    return hmac.digest('hex');
  }
  verify(signature: Buffer, parts: Buffer[]): boolean {
    if (this.key.length === 0) return true;
    const expected = Buffer.from(this.sign(parts), 'utf8');
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  }
}

/** Why a multipart frame list was rejected; the transport logs it and drops the message. */
export class WireError extends Error {
  override name = 'WireError';
}

/**
 * The signatures of messages already received, so a captured message sent again is refused (ipykernel's
 * Session.digest_history): a signature covers the header, whose msg_id and date make every message unique.
 */
export class ReplayGuard {
  private readonly seen = new Set<string>();
  constructor(private readonly capacity = 65_536) {}
  /** Records `signature`; throws WireError if it was seen before. Unsigned messages (no key) cannot be told apart. */
  check(signature: Buffer): void {
    if (signature.length === 0) return;
    const key = signature.toString('latin1');
    if (this.seen.has(key)) throw new WireError('replayed message (its signature was seen before)');
    this.seen.add(key);
    // The oldest go first (a Set iterates in insertion order), so memory stays bounded.
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.values().next().value!);
  }
}

/** The signature frame of a message's frames (empty without a delimiter): the key a ReplayGuard records. */
export function signatureOf(frames: Buffer[]): Buffer {
  const split = frames.findIndex((frame) => frame.equals(DELIMITER));
  return (split < 0 ? undefined : frames[split + 1]) ?? Buffer.alloc(0);
}

/** Frames for a message: identities, delimiter, signature, header, parent, metadata, content, buffers. */
export function encode(message: Message<unknown>, signer: Signer): Buffer[] {
  const parts = [message.header, message.parent_header, message.metadata, message.content].map((part) =>
    Buffer.from(JSON.stringify(part ?? {}), 'utf8'),
  );
  return [...message.identities, DELIMITER, Buffer.from(signer.sign(parts), 'utf8'), ...parts, ...message.buffers];
}

/** Parses and verifies frames; throws WireError for a missing delimiter, a bad signature, a replay (with `replays`) or bad JSON. */
export function decode(frames: Buffer[], signer: Signer, replays?: ReplayGuard): Message {
  const split = frames.findIndex((frame) => frame.equals(DELIMITER));
  if (split < 0) throw new WireError('no <IDS|MSG> delimiter');
  if (frames.length < split + 6) throw new WireError(`expected 5 frames after the delimiter, got ${frames.length - split - 1}`);
  const signature = frames[split + 1];
  const parts = frames.slice(split + 2, split + 6);
  if (!signer.verify(signature, parts)) throw new WireError(signature.length ? 'bad signature' : 'missing signature');
  replays?.check(signature);
  let decoded: unknown[];
  try {
    decoded = parts.map((part) => JSON.parse(part.toString('utf8')));
  } catch (error) {
    throw new WireError(`malformed JSON: ${(error as Error).message}`);
  }
  const [header, parent_header, metadata, content] = decoded as [Message['header'], Message['parent_header'], Record<string, unknown>, Record<string, unknown>];
  if (!header || typeof header.msg_type !== 'string' || typeof header.msg_id !== 'string') {
    throw new WireError('header lacks msg_type or msg_id');
  }
  const isObject = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value);
  if (!isObject(content)) throw new WireError('content is not an object');
  if (!isObject(parent_header ?? {}) || !isObject(metadata ?? {})) throw new WireError('parent header or metadata is not an object');
  return {
    identities: frames.slice(0, split),
    header,
    parent_header: parent_header ?? {},
    metadata: metadata ?? {},
    content,
    buffers: frames.slice(split + 6),
  };
}
