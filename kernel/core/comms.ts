import { randomUUID } from 'node:crypto';

type CommHandler = (data: unknown, comm: Comm) => void;

/** One side of a Jupyter comm (messaging spec: Custom Messages). */
export interface Comm {
  readonly commId: string;
  readonly targetName: string;
  send(data: unknown): void;
  close(data?: unknown): void;
  onMessage(handler: CommHandler): void;
  onClose(handler: CommHandler): void;
}

export interface CommPublisher {
  (msgType: 'comm_open' | 'comm_msg' | 'comm_close', content: Record<string, unknown>): void;
}

/** Open comms and registered targets; exposed to cells as the global `comms`. */
export class CommManager {
  private readonly comms = new Map<string, Comm & { emit(kind: 'msg' | 'close', data: unknown): void }>();
  private readonly targets = new Map<string, (comm: Comm, data: unknown) => void>();
  /** Where comm messages go; set by the kernel to publish under the request being handled. */
  publish: CommPublisher = () => undefined;

  registerTarget(targetName: string, onOpen: (comm: Comm, data: unknown) => void): void {
    this.targets.set(targetName, onOpen);
  }

  /** Opens a comm from the kernel side. */
  open(targetName: string, data: unknown = {}): Comm {
    const comm = this.create(randomUUID(), targetName);
    this.publish('comm_open', { comm_id: comm.commId, target_name: targetName, data });
    return comm;
  }

  /** A client's comm_open: returns false for an unknown target (the kernel then answers comm_close). */
  opened(commId: string, targetName: string, data: unknown): boolean {
    const onOpen = this.targets.get(targetName);
    if (!onOpen) return false;
    onOpen(this.create(commId, targetName), data);
    return true;
  }

  received(commId: string, data: unknown): void {
    this.comms.get(commId)?.emit('msg', data);
  }

  closed(commId: string, data: unknown): void {
    this.comms.get(commId)?.emit('close', data);
    this.comms.delete(commId);
  }

  list(targetName?: string): Record<string, { target_name: string }> {
    const out: Record<string, { target_name: string }> = {};
    for (const comm of this.comms.values()) {
      if (!targetName || comm.targetName === targetName) out[comm.commId] = { target_name: comm.targetName };
    }
    return out;
  }

  private create(commId: string, targetName: string) {
    const handlers: Record<'msg' | 'close', CommHandler[]> = { msg: [], close: [] };
    const comm = {
      commId,
      targetName,
      send: (data: unknown) => this.publish('comm_msg', { comm_id: commId, data }),
      close: (data: unknown = {}) => {
        this.publish('comm_close', { comm_id: commId, data });
        this.comms.delete(commId);
      },
      onMessage: (handler: CommHandler) => void handlers.msg.push(handler),
      onClose: (handler: CommHandler) => void handlers.close.push(handler),
      emit: (kind: 'msg' | 'close', data: unknown) => handlers[kind].forEach((h) => h(data, comm)),
    };
    this.comms.set(commId, comm);
    return comm;
  }
}
