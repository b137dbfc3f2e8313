import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ConnectionInfo } from '../../kernel/protocol/connection.js';

async function freePort(ip: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, ip, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A fresh connection: five free TCP ports on `ip` and a random HMAC key. @default ip "127.0.0.1" */
export async function newConnection(ip = '127.0.0.1'): Promise<ConnectionInfo> {
  const ports: number[] = [];
  // Asked one at a time and kept distinct: the OS may hand a just-released port out again.
  while (ports.length < 5) {
    const port = await freePort(ip);
    if (!ports.includes(port)) ports.push(port);
  }
  const [shell, iopub, stdin, control, hb] = ports;
  return {
    transport: 'tcp',
    ip,
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
    key: randomUUID(),
    signature_scheme: 'hmac-sha256',
  };
}

/** Writes the connection file into `dir`, readable by the owner only (it holds the signing key); returns its path. */
export function writeConnectionFile(dir: string, info: ConnectionInfo): string {
  const path = join(dir, `kernel-${randomBytes(6).toString('hex')}.json`);
  writeFileSync(path, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  return path;
}
