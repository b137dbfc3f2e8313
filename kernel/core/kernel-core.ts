import type { Interpreter } from '../../src/engine/interpreter.js';
import { makeMessage, replyType, type Message } from '../protocol/message.js';
import { codePointToIndex, indexToCodePoint } from '../protocol/unicode.js';
import type { ReceiveChannel, SendChannel, Transport } from '../transport/transport.js';
import { CommManager } from './comms.js';
import type { KernelHistory } from './history.js';
import { kernelInfo } from './kernel-info.js';
import { KernelOutput } from './kernel-output.js';

type Content = Record<string, any>;

/** One request being handled: its message, and how to publish and reply under it. */
interface RequestContext {
  channel: ReceiveChannel;
  message: Message<Content>;
  publish(msgType: string, content: Content): void;
  reply(content: Content): void;
}

type Handler = (ctx: RequestContext) => Promise<void> | void;

/** Requests whose content.code the interpreter reads: anything but a string there is the client's error. */
const CODE_REQUESTS = new Set(['execute_request', 'complete_request', 'inspect_request', 'is_complete_request']);

export interface KernelCoreOptions {
  /** Loads the language side (once; called again, it returns the same promise). */
  interpreter(): Promise<Interpreter>;
  /** Opens the history store (once), or none. */
  history(): Promise<KernelHistory | undefined>;
  transport: Transport;
  session: string;
  /** Called after shutdown_reply; `restart` as the client asked. */
  onShutdown(restart: boolean): void;
}

/**
 * The protocol core: owns every invariant of the messaging spec (busy/idle around each request, parent
 * headers, execution count, execute_input, reply types) and dispatches by msg_type from one table; language
 * logic stays in the Interpreter.
 */
export class KernelCore {
  private executionCount = 0;
  private readonly shellQueue: Array<{ channel: ReceiveChannel; message: Message<Content> }> = [];
  private running = false;
  private readonly pendingInput = new Map<string, (value: string) => void>();
  private abortQueued = false;
  private readonly info = kernelInfo();
  readonly comms = new CommManager();

  private readonly handlers: Record<string, Handler> = {
    kernel_info_request: (ctx) => {
      ctx.reply(this.info);
      // Clients ask for kernel_info first, then wait for the user: load the engine now, not at the first execute.
      setImmediate(() => void this.options.interpreter());
    },
    execute_request: (ctx) => this.execute(ctx),
    complete_request: (ctx) => this.complete(ctx),
    inspect_request: (ctx) => this.inspect(ctx),
    is_complete_request: async (ctx) => ctx.reply(await (await this.options.interpreter()).isComplete(ctx.message.content.code ?? '')),
    history_request: (ctx) => this.history(ctx),
    comm_info_request: (ctx) => ctx.reply({ status: 'ok', comms: this.comms.list(ctx.message.content.target_name) }),
    comm_open: (ctx) => this.commOpen(ctx),
    comm_msg: (ctx) => this.comms.received(ctx.message.content.comm_id, ctx.message.content.data),
    comm_close: (ctx) => this.comms.closed(ctx.message.content.comm_id, ctx.message.content.data),
    shutdown_request: (ctx) => this.shutdown(ctx),
    // interrupt_request never gets here: the transport answers it on its own thread (see control-thread.ts).
  };

  constructor(private readonly options: KernelCoreOptions) {
    options.transport.onMessage((channel, message) => this.receive(channel, message as Message<Content>));
  }

  private send(channel: SendChannel, msgType: string, content: Content, parent: Message<unknown>): void {
    this.options.transport.send(channel, makeMessage(msgType, content, { session: this.options.session, parent }));
  }

  /** Announces the kernel on IOPub (clients wait for the first status message). */
  announce(): void {
    this.options.transport.send('iopub', makeMessage('status', { execution_state: 'starting' }, { session: this.options.session }));
  }

  private receive(channel: ReceiveChannel, message: Message<Content>): void {
    if (channel === 'stdin') {
      if (message.header.msg_type === 'input_reply') {
        // jupyter_client's input() sends no parent header: like ipykernel, answer the oldest open request.
        const asked = this.pendingInput.has(String(message.parent_header.msg_id)) ? String(message.parent_header.msg_id) : this.pendingInput.keys().next().value;
        if (asked === undefined) return;
        const resolve = this.pendingInput.get(asked)!;
        this.pendingInput.delete(asked);
        resolve(String(message.content.value ?? ''));
      }
      return;
    }
    if (channel === 'control') {
      void this.dispatch(channel, message);
      return;
    }
    this.shellQueue.push({ channel, message });
    void this.drain();
  }

  /** Shell requests run one at a time, in order, as clients expect. */
  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    while (this.shellQueue.length) {
      const { channel, message } = this.shellQueue.shift()!;
      await this.dispatch(channel, message);
    }
    this.abortQueued = false;
    this.running = false;
  }

  private async dispatch(channel: ReceiveChannel, message: Message<Content>): Promise<void> {
    const msgType = message.header.msg_type;
    const publish = (type: string, content: Content) => this.send('iopub', type, content, message);
    const ctx: RequestContext = {
      channel,
      message,
      publish,
      reply: (content) => this.send(channel, replyType(msgType), content, message),
    };
    this.comms.publish = (type, content) => publish(type, content);
    publish('status', { execution_state: 'busy' });
    try {
      const handler = Object.hasOwn(this.handlers, msgType) ? this.handlers[msgType] : undefined;
      const badCode = CODE_REQUESTS.has(msgType) && message.content.code !== undefined && typeof message.content.code !== 'string';
      if (!handler) {
        process.stderr.write(`[datakernel] unknown message type ${msgType}; ignored\n`);
      } else if (badCode) {
        const got = message.content.code === null ? 'null' : typeof message.content.code;
        ctx.reply({ status: 'error', ...(msgType === 'execute_request' ? { execution_count: this.executionCount } : {}), ename: 'BadRequest', evalue: `${msgType}: content.code must be a string, got ${got}; the front end that sent it is at fault`, traceback: [] });
      } else if (msgType === 'execute_request' && this.abortQueued) {
        ctx.reply({ status: 'aborted', execution_count: this.executionCount });
      } else {
        await handler(ctx);
      }
    } catch (error) {
      process.stderr.write(`[datakernel] ${msgType} failed: ${(error as Error).stack ?? error}\n`);
      if (msgType.endsWith('_request')) ctx.reply({ status: 'error', ename: 'InternalError', evalue: String((error as Error).message ?? error), traceback: [] });
    } finally {
      publish('status', { execution_state: 'idle' });
    }
  }

  private async execute(ctx: RequestContext): Promise<void> {
    const { code = '', silent = false, store_history = true, user_expressions = {}, stop_on_error = true } = ctx.message.content;
    const counted = !silent && store_history;
    if (counted) this.executionCount++;
    const executionCount = this.executionCount;
    if (!silent) ctx.publish('execute_input', { code, execution_count: executionCount });
    const [interpreter, history] = await Promise.all([this.options.interpreter(), this.options.history(), this.options.transport.flush()]);
    if (counted) history?.record(executionCount, code);
    const output = new KernelOutput(
      {
        publish: (type, content) => (silent ? undefined : ctx.publish(type, content)),
        ask: (prompt, password) => this.ask(ctx.message, prompt, password),
      },
      ctx.message,
    );
    const outcome = await interpreter.execute({ code, executionCount, silent, pager: true }, output);
    // An interrupted cell never reads the answer it asked for; a late input_reply must not reach the next cell.
    this.pendingInput.clear();
    output.flush();
    if (outcome.status === 'ok') {
      if (outcome.result && !silent) ctx.publish('execute_result', { execution_count: executionCount, data: outcome.result, metadata: {} });
      // Jupyter messaging 5.3 payloads: help goes to the front end's pager, %load's text to the next input.
      const payload: Content[] = [];
      if (outcome.page && !silent) payload.push({ source: 'page', data: outcome.page, start: 0 });
      if (outcome.nextInput !== undefined) payload.push({ source: 'set_next_input', text: outcome.nextInput, replace: false });
      ctx.reply({ status: 'ok', execution_count: executionCount, user_expressions: await this.userExpressions(interpreter, user_expressions), payload });
      return;
    }
    const { ename, evalue, traceback } = outcome.error;
    if (!silent) ctx.publish('error', { ename, evalue, traceback });
    ctx.reply({ status: 'error', execution_count: executionCount, ename, evalue, traceback });
    if (stop_on_error) this.abortQueued = true;
  }

  private async userExpressions(interpreter: Interpreter, expressions: Record<string, string>): Promise<Content> {
    const results: Content = {};
    for (const [name, expression] of Object.entries(expressions)) {
      const quiet = new KernelOutput({ publish: () => undefined, ask: async () => '' }, { content: {} } as Message<Content>);
      const outcome = await interpreter.execute({ code: expression, executionCount: this.executionCount, silent: false }, quiet);
      results[name] =
        outcome.status === 'ok'
          ? { status: 'ok', data: outcome.result ?? { 'text/plain': 'undefined' }, metadata: {} }
          : { status: 'error', ...outcome.error };
    }
    return results;
  }

  private ask(parent: Message<Content>, prompt: string, password: boolean): Promise<string> {
    return new Promise((resolve) => {
      const request = makeMessage('input_request', { prompt, password }, { session: this.options.session, parent });
      this.pendingInput.set(request.header.msg_id, resolve);
      this.options.transport.send('stdin', request);
    });
  }

  private async complete(ctx: RequestContext): Promise<void> {
    const code: string = ctx.message.content.code ?? '';
    const cursor = codePointToIndex(code, ctx.message.content.cursor_pos ?? code.length);
    const completion = await (await this.options.interpreter()).complete(code, cursor);
    const toPoints = (index: number) => indexToCodePoint(code, index);
    ctx.reply({
      status: 'ok',
      matches: completion.matches,
      cursor_start: toPoints(completion.cursorStart),
      cursor_end: toPoints(completion.cursorEnd),
      metadata: completion.types
        ? { _jupyter_types_experimental: completion.types.map((t) => ({ ...t, start: toPoints(t.start), end: toPoints(t.end) })) }
        : {},
    });
  }

  private async inspect(ctx: RequestContext): Promise<void> {
    const code: string = ctx.message.content.code ?? '';
    const cursor = codePointToIndex(code, ctx.message.content.cursor_pos ?? code.length);
    const detail = ctx.message.content.detail_level === 1 ? 1 : 0;
    const inspection = await (await this.options.interpreter()).inspect(code, cursor, detail);
    ctx.reply({ status: 'ok', found: inspection.found, data: inspection.data, metadata: {} });
  }

  private async history(ctx: RequestContext): Promise<void> {
    const { hist_access_type, n, session = 0, start = 0, stop, pattern, unique = false, output = false } = ctx.message.content;
    const store = await this.options.history();
    let entries: Array<[number, number, string]> = [];
    if (store) {
      // A search without n finds every match, as IPython's; a tail without n is IPython's default of 10.
      if (hist_access_type === 'tail') entries = store.tail(n ?? 10);
      else if (hist_access_type === 'range') entries = store.range(session, start, stop ?? undefined);
      else if (hist_access_type === 'search') entries = store.search(typeof pattern === 'string' ? pattern : '*', n ?? undefined, unique);
    }
    ctx.reply({ status: 'ok', history: output ? entries.map(([s, l, src]) => [s, l, [src, null]]) : entries });
  }

  private commOpen(ctx: RequestContext): void {
    const { comm_id, target_name, data } = ctx.message.content;
    if (!this.comms.opened(comm_id, target_name, data)) ctx.publish('comm_close', { comm_id, data: {} });
  }

  private shutdown(ctx: RequestContext): void {
    const restart = Boolean(ctx.message.content.restart);
    ctx.reply({ status: 'ok', restart });
    setImmediate(() => this.options.onShutdown(restart));
  }
}
