import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConnectionFile } from '../../kernel/protocol/connection.js';
import { codePointToIndex, indexToCodePoint } from '../../kernel/protocol/unicode.js';
import type { OutputSink } from '../display/output.js';
import type { Completeness, Completion, ExecuteOutcome, ExecuteRequest, Inspection, Interpreter } from '../engine/interpreter.js';
import { DataKernelError } from '../errors.js';
import { newConnection, writeConnectionFile } from './connection-file.js';
import { KernelClient } from './kernel-client.js';
import { KernelDiedError } from './kernel-died-error.js';
import type { KernelSpec } from './kernelspec.js';

export interface LaunchOptions {
  /** Working directory of the kernel process. @default process.cwd() */
  cwd?: string;
  /** Extra environment variables, on top of this process's and the kernelspec's. */
  env?: Record<string, string>;
  /** How long the kernel may take to answer kernel_info. @default 60000 */
  startTimeoutMs?: number;
  /** Whether cells may ask for input (front ends that cannot ask pass false, so input() fails fast). @default true */
  allowStdin?: boolean;
}

// How long to wait for IOPub's idle after the reply before giving up on late output (nbclient's iopub_timeout).
const IOPUB_GRACE_MS = 4000;
// After a timeout's interrupt, how long a kernel gets to stop before the cell is abandoned.
const INTERRUPT_GRACE_MS = 5000;
const HEARTBEAT_EVERY_MS = 2000;
const OUTPUT_TAIL = 1500;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Any Jupyter kernel, driven over ZeroMQ with the engine's request/outcome shapes, so the runner and the REPL
 * treat it like the in-process engine. Launches the kernel from a kernelspec, or attaches to a running one.
 */
export class RemoteKernel implements Interpreter {
  /** The kernel's kernel_info_reply content (language_info, implementation, banner...). */
  info: Record<string, any> = {};
  private deathReason: KernelDiedError | undefined;
  private readonly deathListeners = new Set<(error: KernelDiedError) => void>();
  private readonly outputTail: string[] = [];
  private heartbeatTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly client: KernelClient,
    private readonly options: { interruptMode: 'signal' | 'message'; process?: ChildProcess; runtimeDir?: string; allowStdin: boolean },
  ) {
    const child = options.process;
    if (child) {
      const keep = (chunk: Buffer) => {
        this.outputTail.push(chunk.toString('utf8'));
        while (this.outputTail.join('').length > OUTPUT_TAIL && this.outputTail.length > 1) this.outputTail.shift();
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      child.on('exit', (code, signal) => this.died(signal ? `killed by ${signal}` : `exit code ${code}`));
      child.on('error', (error) => this.died(error.message));
    }
  }

  /** Starts the kernel of `spec` with a fresh connection file and waits until it answers on shell and IOPub. */
  static async launch(spec: KernelSpec, options: LaunchOptions = {}): Promise<RemoteKernel> {
    const runtimeDir = mkdtempSync(join(tmpdir(), 'datakernel-client-'));
    const connection = { ...(await newConnection()), kernel_name: spec.name };
    const connectionFile = writeConnectionFile(runtimeDir, connection);
    const argv = spec.argv.map((arg) => arg.replaceAll('{connection_file}', connectionFile).replaceAll('{resource_dir}', spec.resourceDir));
    const child = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd ?? process.cwd(),
      // JPY_PARENT_PID lets kernels that watch their parent (ipykernel) exit with us.
      env: { ...process.env, ...spec.env, ...options.env, JPY_PARENT_PID: String(process.pid) },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, as jupyter_client does: a terminal's Ctrl-C reaches the front end, which decides.
      detached: true,
    });
    const kernel = new RemoteKernel(KernelClient.connect(connection), {
      interruptMode: spec.interruptMode,
      process: child,
      runtimeDir,
      allowStdin: options.allowStdin ?? true,
    });
    try {
      await kernel.handshake(options.startTimeoutMs ?? 60_000, `${spec.displayName} (${argv.join(' ')})`);
    } catch (error) {
      await kernel.shutdown();
      throw error;
    }
    return kernel;
  }

  /** Attaches to a kernel someone else started (`--existing`); death is noticed by heartbeat. */
  static async attach(connectionFile: string, options: Pick<LaunchOptions, 'startTimeoutMs' | 'allowStdin'> = {}): Promise<RemoteKernel> {
    const connection = await readConnectionFile(connectionFile);
    const kernel = new RemoteKernel(KernelClient.connect(connection), { interruptMode: 'message', allowStdin: options.allowStdin ?? true });
    await kernel.handshake(options.startTimeoutMs ?? 10_000, connectionFile);
    kernel.watchHeartbeat();
    return kernel;
  }

  /** The kernel's language (language_info.name), e.g. "typescript" or "python". */
  get language(): string {
    return String(this.info.language_info?.name ?? '');
  }

  /** Calls `listener` once if the kernel dies; returns the function that stops listening. */
  onDeath(listener: (error: KernelDiedError) => void): () => void {
    if (this.deathReason) listener(this.deathReason);
    else this.deathListeners.add(listener);
    return () => this.deathListeners.delete(listener);
  }

  private died(detail: string): void {
    if (this.deathReason) return;
    const tail = this.outputTail.join('').trim();
    this.deathReason = new KernelDiedError(tail ? `${detail}; its last output:\n${tail.slice(-OUTPUT_TAIL)}` : detail);
    for (const listener of this.deathListeners) listener(this.deathReason);
    this.deathListeners.clear();
    clearInterval(this.heartbeatTimer);
  }

  /** Resolves with `work`, or rejects as soon as the kernel dies. */
  private whileAlive<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const stop = this.onDeath(reject);
      work.then(resolve, reject).finally(stop);
    });
  }

  private async handshake(timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // A reply proves shell works; an IOPub status under the same request proves our subscription is live too
    // (ZeroMQ drops what a subscriber publishes before it has joined).
    while (Date.now() < deadline) {
      if (this.deathReason) throw this.deathReason;
      const { msgId, reply } = this.client.request('shell', 'kernel_info_request', {});
      let sawIopub = false;
      const stop = this.client.listen(msgId, () => (sawIopub = true));
      const answer = await Promise.race([this.whileAlive(reply), sleep(1000).then(() => undefined)]);
      await sleep(answer && !sawIopub ? 200 : 0);
      stop();
      if (answer && sawIopub) {
        this.info = answer.content;
        return;
      }
    }
    throw new DataKernelError(`The kernel did not start within ${Math.round(timeoutMs / 1000)}s: ${what}`, 'Raise --start-timeout, or check that the kernel starts on its own (jupyter console --kernel NAME).');
  }

  private watchHeartbeat(): void {
    let missed = 0;
    this.heartbeatTimer = setInterval(() => {
      void this.client.heartbeat(HEARTBEAT_EVERY_MS).then((alive) => {
        missed = alive ? 0 : missed + 1;
        if (missed >= 2) this.died('no heartbeat');
      });
    }, HEARTBEAT_EVERY_MS);
    this.heartbeatTimer.unref();
  }

  /** Runs a cell; outputs go to `output` as they arrive; `request.timeoutMs` interrupts it. */
  async execute(request: ExecuteRequest, output: OutputSink): Promise<ExecuteOutcome> {
    if (this.deathReason) throw this.deathReason;
    const { msgId, reply } = this.client.request('shell', 'execute_request', {
      code: request.code,
      silent: Boolean(request.silent),
      store_history: !request.silent,
      user_expressions: {},
      allow_stdin: this.options.allowStdin,
      stop_on_error: true,
    });
    let result: ExecuteOutcome & { status: 'ok' } = { status: 'ok' };
    let markIdle: () => void = () => undefined;
    const idle = new Promise<void>((resolve) => (markIdle = resolve));
    const stopListening = this.client.listen(msgId, (message) => {
      const content = message.content;
      switch (message.header.msg_type) {
        case 'stream':
          return output.stream(content.name === 'stderr' ? 'stderr' : 'stdout', String(content.text ?? ''));
        case 'display_data':
        case 'update_display_data':
          return output.display(content.data ?? {}, {
            displayId: content.transient?.display_id,
            update: message.header.msg_type === 'update_display_data',
            metadata: content.metadata ?? {},
          });
        case 'execute_result':
          result = { status: 'ok', result: content.data ?? {} };
          return;
        case 'clear_output':
          return output.clearOutput(Boolean(content.wait));
        case 'status':
          if (content.execution_state === 'idle') markIdle();
          return;
      }
    });
    const stopAnswering = this.client.onInputRequest(msgId, (prompt, password) => output.input(prompt, password));
    const timer = request.timeoutMs === undefined ? undefined : setTimeout(() => this.interrupt(), request.timeoutMs);
    const abandon =
      request.timeoutMs === undefined
        ? new Promise<never>(() => undefined)
        : sleep(request.timeoutMs + INTERRUPT_GRACE_MS).then((): never => {
            throw new DataKernelError(
              `The kernel did not stop within ${INTERRUPT_GRACE_MS / 1000}s of being interrupted`,
              'The kernel may ignore interrupts; restart it before running more cells.',
            );
          });
    try {
      const answer = await this.whileAlive(Promise.race([reply, abandon]));
      await Promise.race([idle, sleep(IOPUB_GRACE_MS)]);
      const content = answer.content;
      if (content.status === 'ok') return result;
      const traceback = Array.isArray(content.traceback) ? content.traceback.map(String) : [];
      return {
        status: 'error',
        error: { ename: String(content.ename ?? 'Error'), evalue: String(content.evalue ?? content.status ?? ''), traceback },
      };
    } finally {
      clearTimeout(timer);
      stopListening();
      stopAnswering();
    }
  }

  private async ask(msgType: string, content: Record<string, unknown>, channel: 'shell' | 'control' = 'shell'): Promise<Record<string, any>> {
    if (this.deathReason) throw this.deathReason;
    return (await this.whileAlive(this.client.request(channel, msgType, content).reply)).content;
  }

  async complete(code: string, cursor: number): Promise<Completion> {
    const reply = await this.ask('complete_request', { code, cursor_pos: indexToCodePoint(code, cursor) });
    return {
      matches: (reply.matches ?? []).map(String),
      cursorStart: codePointToIndex(code, reply.cursor_start ?? cursor),
      cursorEnd: codePointToIndex(code, reply.cursor_end ?? cursor),
    };
  }

  async inspect(code: string, cursor: number, detailLevel: 0 | 1): Promise<Inspection> {
    const reply = await this.ask('inspect_request', { code, cursor_pos: indexToCodePoint(code, cursor), detail_level: detailLevel });
    return { found: Boolean(reply.found), data: reply.data ?? {} };
  }

  /** Asks the kernel whether `code` is a complete statement (async, unlike the engine's). */
  async isComplete(code: string): Promise<Completeness> {
    const reply = await this.ask('is_complete_request', { code });
    if (reply.status === 'incomplete') return { status: 'incomplete', indent: String(reply.indent ?? '') };
    return { status: reply.status === 'complete' || reply.status === 'invalid' ? reply.status : 'unknown' };
  }

  /** Interrupts the running cell the way the kernelspec asks: SIGINT to the process, or interrupt_request. */
  interrupt(): void {
    if (this.deathReason) return;
    const child = this.options.process;
    if (this.options.interruptMode === 'signal' && child?.pid) child.kill('SIGINT');
    else void this.client.request('control', 'interrupt_request', {}).reply.catch(() => undefined);
  }

  /** Leaves an attached kernel running and closes this client (what `--existing` front ends do on exit). */
  detach(): void {
    clearInterval(this.heartbeatTimer);
    this.client.close();
  }

  /** Asks the kernel to shut down; a kernel process this client started is killed if it does not exit. */
  async shutdown(): Promise<void> {
    clearInterval(this.heartbeatTimer);
    const child = this.options.process;
    if (!this.deathReason) {
      await Promise.race([this.ask('shutdown_request', { restart: false }, 'control').catch(() => undefined), sleep(3000)]);
    }
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (!(await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]))) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    this.client.close();
    if (this.options.runtimeDir) rmSync(this.options.runtimeDir, { recursive: true, force: true });
  }
}
