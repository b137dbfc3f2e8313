import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dealer } from 'zeromq';
import { endpoint, type ConnectionInfo } from '../../../kernel/protocol/connection.js';
import { makeMessage } from '../../../kernel/protocol/message.js';
import { encode, Signer } from '../../../kernel/protocol/wire.js';
import { newConnection, RemoteKernel, writeConnectionFile } from '../../../src/client/index.js';
import { RecordingSink } from '../../helpers/magic-context.js';
import { filesText, SECRETS } from './secrets.js';

export const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const stripAnsi = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

/** The environment every faults kernel gets: the planted passwords, a private history file. */
export function faultEnv(root: string): Record<string, string> {
  return {
    FAULTS_PASSWORD: SECRETS.password,
    FAULTS_WRONG_PASSWORD: SECRETS.wrongPassword,
    DATAKERNEL_HISTORY_FILE: join(root, 'history.jsonl'),
  };
}

/** What a cell produced: everything shown, the error (name, value, traceback) as plain text. */
export interface CellRun {
  status: 'ok' | 'error';
  text: string;
}

/**
 * One real datakernel kernel process over ZeroMQ, as Jupyter starts it (`datakernel kernel CONNECTION_FILE`):
 * a RemoteKernel client for cells, and raw sockets with the connection's key for protocol faults.
 */
export class KernelFixture {
  readonly root: string;
  readonly workDir: string;
  private log = '';
  private executionCount = 0;

  private constructor(
    readonly connection: ConnectionInfo,
    readonly process: ChildProcess,
    readonly client: RemoteKernel,
    root: string,
  ) {
    this.root = root;
    this.workDir = join(root, 'work');
  }

  static async start(options: { env?: Record<string, string> } = {}): Promise<KernelFixture> {
    const root = mkdtempSync(join(tmpdir(), 'faults-'));
    mkdirSync(join(root, 'work'));
    const connection = await newConnection();
    const file = writeConnectionFile(root, connection);
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'datakernel.js'), 'kernel', file], {
      cwd: join(root, 'work'),
      env: { ...process.env, ...faultEnv(root), ...options.env, JPY_PARENT_PID: String(process.pid) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const client = await RemoteKernel.attach(file, { startTimeoutMs: 60_000 });
    const fixture = new KernelFixture(connection, child, client, root);
    child.stdout!.on('data', (chunk: Buffer) => (fixture.log += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (fixture.log += chunk.toString()));
    fixture.log = log;
    return fixture;
  }

  /** Everything the kernel process wrote to stdout/stderr (its log). */
  get kernelLog(): string {
    return this.log;
  }

  get exited(): boolean {
    return this.process.exitCode !== null || this.process.signalCode !== null;
  }

  /** Runs a cell; `answers` reply to input prompts; `timeoutMs` interrupts it (as a front end's Stop button). */
  async run(code: string, options: { answers?: string[]; timeoutMs?: number } = {}): Promise<CellRun> {
    const sink = new RecordingSink();
    sink.answers = [...(options.answers ?? [])];
    const outcome = await this.client.execute({ code, executionCount: ++this.executionCount, timeoutMs: options.timeoutMs }, sink);
    const shown = sink.outputs.map((o) => o.text ?? (o.data ? Object.values(o.data).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('\n') : '')).join('\n');
    const result = outcome.status === 'ok' && outcome.result ? String(outcome.result['text/plain'] ?? JSON.stringify(outcome.result)) : '';
    const error = outcome.status === 'error' ? `${outcome.error.ename}: ${outcome.error.evalue}\n${outcome.error.traceback.join('\n')}` : '';
    return { status: outcome.status, text: stripAnsi([shown, result, error].filter(Boolean).join('\n')) };
  }

  /** The cell's text, prefixed by its status: what a case returns as observed. */
  async observe(code: string, options?: { answers?: string[]; timeoutMs?: number }): Promise<string> {
    const { status, text } = await this.run(code, options);
    return `[${status}] ${text}`;
  }

  /** The kernel process lives and answers a cell. */
  async alive(): Promise<boolean> {
    if (this.exited) return false;
    const probe = await this.run('6 * 7').catch(() => undefined);
    return probe?.text === '42';
  }

  /** The frames of a message signed with the kernel's key (or `key`). */
  frames(msgType: string, content: Record<string, unknown>, options: { key?: string; session?: string } = {}): Buffer[] {
    const message = makeMessage(msgType, content, { session: options.session ?? 'faults-raw' });
    return encode(message, new Signer(options.key ?? this.connection.key));
  }

  /** A new raw client socket on a channel (not the fixture's client), for forged, malformed and vanishing requests. */
  socket(channel: 'shell' | 'control' | 'stdin' = 'shell'): Dealer {
    const socket = new Dealer({ linger: 0, receiveTimeout: 3000 });
    socket.connect(endpoint(this.connection, channel));
    return socket;
  }

  /** Sends frames from a fresh socket and waits up to `waitMs` for an answer; closes the socket. */
  async sendRaw(frames: Buffer[], options: { channel?: 'shell' | 'control' | 'stdin'; waitMs?: number } = {}): Promise<Buffer[] | undefined> {
    const socket = this.socket(options.channel);
    socket.receiveTimeout = options.waitMs ?? 1500;
    try {
      await socket.send(frames);
      return await socket.receive();
    } catch {
      return undefined;
    } finally {
      socket.close();
    }
  }

  /** The kernel's log since `from` (a length of kernelLog taken before a case). */
  logSince(from: number): string {
    return this.log.slice(from);
  }

  /** The kernel log, the history file and every file in the work folder: where a secret must not appear. */
  leakSurfaces(): string {
    let history = '';
    try {
      history = readFileSync(join(this.root, 'history.jsonl'), 'utf8');
    } catch {
      // no history yet
    }
    return [this.log, history, filesText(this.workDir)].join('\n');
  }

  async close(): Promise<void> {
    await this.client.shutdown().catch(() => undefined);
    if (!this.exited) this.process.kill('SIGKILL');
    rmSync(this.root, { recursive: true, force: true });
  }
}
