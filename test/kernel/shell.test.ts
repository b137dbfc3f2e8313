import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installTestKernel, runPython, type DriverExchange, type TestJupyter } from '../helpers/jupyter.js';

// One kernel, driven by jupyter_client over ZeroMQ, answers every shell request type; the checks below read
// what it sent. Every message was validated against the official schemas (problems must stay empty).
let jupyter: TestJupyter;
let out: Record<string, DriverExchange> & { kernel_info: DriverExchange; problems: string[] };

beforeAll(async () => {
  jupyter = installTestKernel();
  out = await runPython(
    String.raw`
    from jupyter_driver import start, stop, execute, request, emit
    km, kc = start()
    r = {}
    r["kernel_info"] = request(kc, "kernel_info_request")
    r["hello"] = execute(kc, 'console.log("hello, world"); console.error("oops"); const answer: number = 42; answer')
    r["again"] = execute(kc, 'const answer = 43; answer + 1')
    r["late_log"] = execute(kc, 'await new Promise((ok) => setTimeout(() => { console.log("later"); ok(undefined) }, 20))')
    r["error"] = execute(kc, 'const f = () => {\n  throw new TypeError("bad " + answer)\n}\nf()')
    r["silent"] = execute(kc, 'console.log("quiet"); 5', silent=True)
    r["display"] = execute(kc, 'await display.html("<b>one</b>", { displayId: "d1" }); await display.update("d1", "two"); clearOutput({ wait: true }); await display.markdown("*three*")')
    emoji = '\U0001F600'
    code = 'const ' + emoji + 's = 1; const myVariable = 2; myVa'
    execute(kc, 'const myVariable = 2')
    r["complete"] = request(kc, "complete_request", {"code": code, "cursor_pos": len(code)})
    member = 'const o = { alpha: 1, beta: 2 }; "' + emoji + '"; o.al'
    execute(kc, 'const o = { alpha: 1, beta: 2 }')
    r["complete_member"] = request(kc, "complete_request", {"code": member, "cursor_pos": len(member)})
    r["inspect"] = request(kc, "inspect_request", {"code": '"' + emoji + '"; Math.max', "cursor_pos": 12, "detail_level": 0})
    r["inspect_missing"] = request(kc, "inspect_request", {"code": "noSuchThing", "cursor_pos": 5, "detail_level": 0})
    r["complete_code"] = request(kc, "is_complete_request", {"code": "const a = 1"})
    r["incomplete_code"] = request(kc, "is_complete_request", {"code": "function f() {\n  if (x) {"})
    r["invalid_code"] = request(kc, "is_complete_request", {"code": "const = = 1"})
    r["comm_info_empty"] = request(kc, "comm_info_request", {})
    execute(kc, 'globalThis.seen = []; comms.registerTarget("echo", (comm, data) => { seen.push(data); comm.onMessage((d) => comm.send({ echo: d })); comm.onClose((d) => seen.push("closed")) })')
    kc.shell_channel.send(kc.session.msg("comm_open", {"comm_id": "c1", "target_name": "echo", "data": {"hi": 1}}))
    r["comm_info"] = request(kc, "comm_info_request", {"target_name": "echo"})
    comm_msg = kc.session.msg("comm_msg", {"comm_id": "c1", "data": {"n": 2}})
    kc.shell_channel.send(comm_msg)
    from jupyter_driver import collect
    r["comm_msg"] = {"reply": None, "iopub": collect(kc, comm_msg["header"]["msg_id"])}
    kc.shell_channel.send(kc.session.msg("comm_close", {"comm_id": "c1", "data": {}}))
    r["comm_seen"] = execute(kc, "seen")
    r["comm_info_after"] = request(kc, "comm_info_request", {})
    unknown = kc.session.msg("comm_open", {"comm_id": "c2", "target_name": "nobody", "data": {}})
    kc.shell_channel.send(unknown)
    r["comm_unknown"] = {"reply": None, "iopub": collect(kc, unknown["header"]["msg_id"])}
    r["kernel_open"] = execute(kc, 'const c = comms.open("from-kernel", { x: 1 }); c.send({ y: 2 }); c.close()')
    r["rejection"] = execute(kc, 'Promise.reject(new Error("nobody catches me")); await new Promise((ok) => setTimeout(ok, 50))')
    r["callback_throws"] = execute(kc, 'setTimeout(() => { throw new RangeError("from a timer") }, 10); await new Promise((ok) => setTimeout(ok, 50))')
    r["exit"] = execute(kc, "process.exit(7)")
    r["alive"] = execute(kc, "answer")
    r["user_expressions"] = execute(kc, "1", user_expressions={"a": "answer * 2", "b": "nope.x"})
    stop(km, kc)
    emit(r)
    `,
    jupyter,
  );
});

afterAll(() => jupyter?.cleanup());

const types = (exchange: DriverExchange) => exchange.iopub.map((m) => m.msg_type);
const ofType = (exchange: DriverExchange, type: string) => exchange.iopub.filter((m) => m.msg_type === type);

describe('shell requests through jupyter_client', () => {
  it('sends only messages that validate against the official schemas', () => {
    expect(out.problems).toEqual([]);
  });

  it('wraps every request in busy ... idle with the request as parent', () => {
    for (const [name, exchange] of Object.entries(out)) {
      if (name === 'problems') continue;
      const iopub = (exchange as DriverExchange).iopub;
      expect(iopub[0].content, name).toEqual({ execution_state: 'busy' });
      expect(iopub.at(-1)!.content, name).toEqual({ execution_state: 'idle' });
      const parents = new Set(iopub.map((m) => m.parent_id));
      expect(parents.size, name).toBe(1);
      if ((exchange as DriverExchange).reply) expect((exchange as DriverExchange).reply.parent_id, name).toBe(iopub[0].parent_id);
    }
  });

  it('answers kernel_info with the TypeScript language', () => {
    const { content } = out.kernel_info.reply;
    expect(content).toMatchObject({ status: 'ok', protocol_version: '5.3', implementation: 'datakernel' });
    expect(content.language_info).toMatchObject({ name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' });
  });

  it('executes: execute_input, streams, execute_result, counts', () => {
    expect(types(out.hello)).toEqual(['status', 'execute_input', 'stream', 'stream', 'execute_result', 'status']);
    expect(ofType(out.hello, 'stream').map((m) => m.content)).toEqual([
      { name: 'stdout', text: 'hello, world\n' },
      { name: 'stderr', text: 'oops\n' },
    ]);
    expect(ofType(out.hello, 'execute_result')[0].content).toMatchObject({ execution_count: 1, data: { 'text/plain': '42' } });
    expect(out.hello.reply.content).toMatchObject({ status: 'ok', execution_count: 1, payload: [], user_expressions: {} });
    expect(ofType(out.again, 'execute_result')[0].content.data['text/plain']).toBe('44');
    expect(out.again.reply.content.execution_count).toBe(2);
    expect(ofType(out.late_log, 'stream')[0].content.text).toBe('later\n');
  });

  it('reports errors with ename, evalue and a traceback into the cell', () => {
    const error = ofType(out.error, 'error')[0].content;
    expect(error).toMatchObject({ ename: 'TypeError', evalue: 'bad 43' });
    expect(error.traceback.join('\n')).toContain('throw new TypeError("bad " + answer)');
    expect(error.traceback.join('\n')).toMatch(/:2:/);
    expect(out.error.reply.content).toMatchObject({ status: 'error', ename: 'TypeError', evalue: 'bad 43', execution_count: 4 });
    expect(out.error.reply.content.traceback).toEqual(error.traceback);
  });

  it('keeps silent executions off IOPub and off the count', () => {
    expect(types(out.silent)).toEqual(['status', 'status']);
    expect(out.silent.reply.content).toMatchObject({ status: 'ok', execution_count: 4 });
  });

  it('publishes display_data, update_display_data and clear_output in order', () => {
    expect(types(out.display)).toEqual(['status', 'execute_input', 'display_data', 'update_display_data', 'clear_output', 'display_data', 'status']);
    const [first, update, clear, last] = out.display.iopub.slice(2, 6);
    expect(first.content).toMatchObject({ data: { 'text/html': '<b>one</b>' }, transient: { display_id: 'd1' } });
    expect(update.content).toMatchObject({ transient: { display_id: 'd1' } });
    expect(update.content.data['text/plain']).toContain('two');
    expect(clear.content).toEqual({ wait: true });
    expect(last.content.data['text/markdown']).toBe('*three*');
  });

  it('completes with cursor positions in code points (an emoji counts once)', () => {
    const { content } = out.complete.reply;
    expect(content.matches).toContain('myVariable');
    const codePoints = [...'const 😀s = 1; const myVariable = 2; myVa'].length;
    expect(content.cursor_end).toBe(codePoints);
    expect(content.cursor_start).toBe(codePoints - 4);
    const member = out.complete_member.reply.content;
    expect(member.matches).toContain('alpha');
    expect(member.cursor_end - member.cursor_start).toBe(2);
    expect(member.cursor_end).toBe([...'const o = { alpha: 1, beta: 2 }; "😀"; o.al'].length);
  });

  it('inspects at a code-point cursor', () => {
    expect(out.inspect.reply.content.found).toBe(true);
    expect(out.inspect.reply.content.data['text/plain']).toMatch(/max/);
    expect(out.inspect_missing.reply.content).toMatchObject({ status: 'ok', found: false, data: {} });
  });

  it('answers is_complete: complete, incomplete with an indent, invalid', () => {
    expect(out.complete_code.reply.content).toEqual({ status: 'complete' });
    expect(out.incomplete_code.reply.content).toEqual({ status: 'incomplete', indent: '    ' });
    expect(out.invalid_code.reply.content).toEqual({ status: 'invalid' });
  });

  it('runs comms both ways: comm_info, comm_open/msg/close, unknown targets closed', () => {
    expect(out.comm_info_empty.reply.content).toEqual({ status: 'ok', comms: {} });
    expect(out.comm_info.reply.content.comms).toEqual({ c1: { target_name: 'echo' } });
    expect(ofType(out.comm_msg, 'comm_msg').map((m) => m.content)).toEqual([{ comm_id: 'c1', data: { echo: { n: 2 } } }]);
    expect(ofType(out.comm_seen, 'execute_result')[0].content.data['text/plain']).toMatch(/hi: 1.*closed/s);
    expect(out.comm_info_after.reply.content.comms).toEqual({});
    expect(ofType(out.comm_unknown, 'comm_close').map((m) => m.content.comm_id)).toEqual(['c2']);
    const opened = ofType(out.kernel_open, 'comm_open')[0].content;
    expect(opened).toMatchObject({ target_name: 'from-kernel', data: { x: 1 } });
    expect(ofType(out.kernel_open, 'comm_msg')[0].content).toEqual({ comm_id: opened.comm_id, data: { y: 2 } });
    expect(ofType(out.kernel_open, 'comm_close')[0].content.comm_id).toBe(opened.comm_id);
  });

  it('reports an unhandled rejection and an exception in a callback, and lives on', () => {
    const text = ofType(out.rejection, 'stream').map((m) => m.content.text).join('');
    expect(text).toContain('nobody catches me');
    expect(ofType(out.callback_throws, 'stream').map((m) => m.content.text).join('')).toMatch(/RangeError: from a timer/);
    expect(ofType(out.alive, 'execute_result')[0].content.data['text/plain']).toBe('43');
  });

  it('turns process.exit() in a cell into an error reply and keeps running', () => {
    expect(out.exit.reply.content.status).toBe('error');
    expect(ofType(out.exit, 'error')[0].content.evalue).toMatch(/process\.exit\(7\) would end the kernel/);
    expect(ofType(out.alive, 'execute_result')[0].content.data['text/plain']).toBe('43');
  });

  it('evaluates user_expressions', () => {
    const { user_expressions } = out.user_expressions.reply.content;
    expect(user_expressions.a).toMatchObject({ status: 'ok', data: { 'text/plain': '86' } });
    expect(user_expressions.b).toMatchObject({ status: 'error', ename: 'ReferenceError' });
  });
});
