import { randomUUID } from 'node:crypto';

/** Jupyter messaging protocol version this package speaks. */
export const PROTOCOL_VERSION = '5.3';

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

/** A decoded Jupyter message (wire fields stay snake_case inside kernel/protocol). */
export interface Message<C = Record<string, unknown>> {
  /** ZeroMQ routing identities (ROUTER sockets) or the topic (IOPub). */
  identities: Buffer[];
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

export function makeHeader(msgType: string, session: string, username = 'datakernel'): Header {
  return {
    msg_id: randomUUID(),
    session,
    username,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}

/** A new message; with `parent`, it is a reply or side effect of that request and routes back to its sender. */
export function makeMessage<C>(
  msgType: string,
  content: C,
  options: { session: string; parent?: Message<unknown>; identities?: Buffer[]; metadata?: Record<string, unknown>; buffers?: Buffer[] },
): Message<C> {
  return {
    identities: options.identities ?? options.parent?.identities ?? [],
    header: makeHeader(msgType, options.session, options.parent?.header.username),
    parent_header: options.parent?.header ?? {},
    metadata: options.metadata ?? {},
    content,
    buffers: options.buffers ?? [],
  };
}

/** `execute_request` -> `execute_reply` (messaging spec: every request's reply type). */
export const replyType = (requestType: string) => requestType.replace(/_request$/, '_reply');
