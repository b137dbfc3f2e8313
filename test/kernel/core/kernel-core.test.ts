import { describe, expect, it } from 'vitest';
import { KernelCore } from '../../../kernel/core/kernel-core.js';
import type { KernelHistory } from '../../../kernel/core/history.js';
import { makeMessage, type Message } from '../../../kernel/protocol/message.js';
import type { ReceiveChannel, SendChannel, Transport } from '../../../kernel/transport/transport.js';
import type { OutputSink } from '../../../src/display/output.js';
import type { ExecuteOutcome, ExecuteRequest, Interpreter } from '../../../src/engine/interpreter.js';

/** A transport without sockets: records what the core sends, delivers what a test sends. */
class FakeTransport implements Transport {
  readonly sent: Array<{ channel: SendChannel; message: Message<any> }> = [];
  private handler: ((channel: ReceiveChannel, message: Message) => void) | undefined;
  send(channel: SendChannel, message: Message<unknown>): void {
    this.sent.push({ channel, message: message as Message<any> });
  }
  onMessage(handler: (channel: ReceiveChannel, message: Message) => void): void {
    this.handler = handler;
  }
  async close(): Promise<void> {}
  async flush(): Promise<void> {}
  request(msgType: string, content: Record<string, unknown>, channel: ReceiveChannel = 'shell'): Message {
    const message = makeMessage(msgType, content, { session: 'client' });
    this.handler!(channel, message);
    return message;
  }
  /** Messages sent under a request, once it went idle. */
  async settled(request: Message): Promise<Array<{ channel: SendChannel; type: string; content: any }>> {
    const mine = () => this.sent.filter((s) => s.message.parent_header.msg_id === request.header.msg_id);
    for (let i = 0; i < 200 && !mine().some((s) => s.message.content.execution_state === 'idle'); i++) await new Promise((r) => setTimeout(r, 1));
    return mine().map((s) => ({ channel: s.channel, type: s.message.header.msg_type, content: s.message.content }));
  }
}

/** Language logic in miniature: `print X` streams, `fail` errors, anything else is its own result. */
class FakeInterpreter implements Interpreter {
  readonly executed: string[] = [];
  async execute(request: ExecuteRequest, output: OutputSink): Promise<ExecuteOutcome> {
    this.executed.push(request.code);
    await new Promise((r) => setTimeout(r, 1));
    if (request.code.startsWith('print ')) output.stream('stdout', `${request.code.slice(6)}\n`);
    if (request.code === 'fail') return { status: 'error', error: { ename: 'Error', evalue: 'failed', traceback: ['Error: failed'] } };
    return { status: 'ok', result: request.code.startsWith('print') ? undefined : { 'text/plain': request.code } };
  }
  async complete() {
    return { matches: ['alpha'], cursorStart: 3, cursorEnd: 5 };
  }
  async inspect() {
    return { found: false, data: {} };
  }
  isComplete() {
    return { status: 'incomplete' as const, indent: '  ' };
  }
  interrupt(): void {}
  async shutdown(): Promise<void> {}
}

class MemoryHistory implements KernelHistory {
  readonly entries: Array<[number, number, string]> = [];
  record(line: number, source: string): void {
    this.entries.push([1, line, source]);
  }
  tail(n: number) {
    return this.entries.slice(-n);
  }
  range(_session: number, start: number, stop: number | undefined) {
    return this.entries.filter(([, line]) => line >= start && (stop === undefined || line < stop));
  }
  search() {
    return this.entries;
  }
}

function kernel() {
  const transport = new FakeTransport();
  const interpreter = new FakeInterpreter();
  const history = new MemoryHistory();
  const core = new KernelCore({ interpreter: async () => interpreter, history: async () => history, transport, session: 'kernel', onShutdown: () => undefined });
  return { transport, interpreter, history, core };
}

const execute = (code: string, extra: Record<string, unknown> = {}) => ({ code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true, ...extra });

describe('KernelCore', () => {
  it('wraps an execute in busy/idle with execute_input, output, result and the reply, all under the request', async () => {
    const { transport } = kernel();
    const request = transport.request('execute_request', execute('print hi'));
    const second = transport.request('execute_request', execute('6 * 7'));
    expect((await transport.settled(request)).map((m) => `${m.channel}:${m.type}`)).toEqual([
      'iopub:status',
      'iopub:execute_input',
      'iopub:stream',
      'shell:execute_reply',
      'iopub:status',
    ]);
    const messages = await transport.settled(second);
    expect(messages.map((m) => m.type)).toEqual(['status', 'execute_input', 'execute_result', 'execute_reply', 'status']);
    expect(messages[2].content).toEqual({ execution_count: 2, data: { 'text/plain': '6 * 7' }, metadata: {} });
    expect(messages[3].content).toMatchObject({ status: 'ok', execution_count: 2 });
  });

  it('aborts the queued executes after an error when stop_on_error, then runs new ones', async () => {
    const { transport, interpreter } = kernel();
    const failing = transport.request('execute_request', execute('fail'));
    const queued = transport.request('execute_request', execute('never'));
    expect((await transport.settled(failing)).find((m) => m.type === 'execute_reply')!.content).toMatchObject({
      status: 'error',
      ename: 'Error',
      evalue: 'failed',
      traceback: ['Error: failed'],
      execution_count: 1,
    });
    expect((await transport.settled(queued)).find((m) => m.type === 'execute_reply')!.content.status).toBe('aborted');
    const later = transport.request('execute_request', execute('later'));
    expect((await transport.settled(later)).find((m) => m.type === 'execute_reply')!.content.status).toBe('ok');
    expect(interpreter.executed).toEqual(['fail', 'later']);
  });

  it('keeps silent executions unnumbered, unrecorded and off IOPub', async () => {
    const { transport, history } = kernel();
    const silent = transport.request('execute_request', execute('print quiet', { silent: true }));
    expect((await transport.settled(silent)).map((m) => m.type)).toEqual(['status', 'execute_reply', 'status']);
    const counted = transport.request('execute_request', execute('1'));
    expect((await transport.settled(counted)).find((m) => m.type === 'execute_reply')!.content.execution_count).toBe(1);
    expect(history.entries).toEqual([[1, 1, '1']]);
  });

  it('answers completion in code points, is_complete with its indent, and history with outputs as pairs', async () => {
    const { transport } = kernel();
    const complete = await transport.settled(transport.request('complete_request', { code: '😀.alp', cursor_pos: 5 }));
    expect(complete.find((m) => m.type === 'complete_reply')!.content).toMatchObject({ matches: ['alpha'], cursor_start: 2, cursor_end: 4 });
    const isComplete = await transport.settled(transport.request('is_complete_request', { code: 'f(' }));
    expect(isComplete.find((m) => m.type === 'is_complete_reply')!.content).toEqual({ status: 'incomplete', indent: '  ' });
    await transport.settled(transport.request('execute_request', execute('a')));
    const history = await transport.settled(transport.request('history_request', { hist_access_type: 'tail', n: 5, output: true, raw: true }));
    expect(history.find((m) => m.type === 'history_reply')!.content).toEqual({ status: 'ok', history: [[1, 1, ['a', null]]] });
  });

  it('ignores unknown message types but still reports busy and idle', async () => {
    const { transport } = kernel();
    for (const msgType of ['no_such_request', 'constructor', '__proto__']) {
      const messages = await transport.settled(transport.request(msgType, {}));
      expect(messages.map((m) => m.type)).toEqual(['status', 'status']);
    }
  });
});
