import { readFile } from 'node:fs/promises';

/** A Jupyter connection file: where each channel listens and how messages are signed. */
export interface ConnectionInfo {
  transport: 'tcp' | 'ipc';
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

export type Channel = 'shell' | 'iopub' | 'stdin' | 'control' | 'hb';

/** The ZeroMQ endpoint of a channel, e.g. tcp://127.0.0.1:5555 or ipc://kernel-ipc-1. */
export function endpoint(info: ConnectionInfo, channel: Channel): string {
  const port = info[`${channel}_port`];
  return info.transport === 'ipc' ? `ipc://${info.ip}-${port}` : `tcp://${info.ip}:${port}`;
}

export async function readConnectionFile(path: string): Promise<ConnectionInfo> {
  let info: ConnectionInfo;
  try {
    info = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read connection file ${path}: ${(error as Error).message}`);
  }
  for (const field of ['ip', 'shell_port', 'iopub_port', 'stdin_port', 'control_port', 'hb_port'] as const) {
    if (info[field] === undefined) throw new Error(`Connection file ${path} has no ${field}`);
  }
  return { ...info, transport: info.transport ?? 'tcp', signature_scheme: info.signature_scheme ?? 'hmac-sha256', key: info.key ?? '' };
}
