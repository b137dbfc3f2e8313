import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installTestKernel, runPython, type DriverExchange, type DriverMessage, type TestJupyter } from '../helpers/jupyter.js';

// One kernel (connection file ip 127.0.0.1, so a wildcard bind would show as 0.0.0.0), driven by jupyter_client: interrupts both ways while a cell spins, stdin,
// forged and malformed messages, restart with history, shutdown.
let jupyter: TestJupyter;
let out: Record<string, any> & { problems: string[] };

beforeAll(async () => {
  jupyter = installTestKernel();
  out = await runPython(
    String.raw`
    import os, signal, time, zmq
    from jupyter_driver import start, execute, execute_content, request, reply_to, collect, wait_for, drain, validate, simple, emit, TIMEOUT
    km, kc = start(stderr_path="kernel-stderr.txt")
    r = {"interrupt_mode": km.kernel_spec.interrupt_mode}

    ports = [km.shell_port, km.iopub_port, km.stdin_port, km.control_port, km.hb_port]
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in open(table).read().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port = local.rsplit(":", 1)
            if state == "0A" and int(port, 16) in ports:
                listening.append(".".join(str(int(address[i:i + 2], 16)) for i in (6, 4, 2, 0)) if len(address) == 8 else address)
    r["listening"] = listening

    def heartbeat_ok():
        s = zmq.Context.instance().socket(zmq.REQ)
        s.linger = 0
        s.connect(f"tcp://{km.ip}:{km.hb_port}")
        s.send(b"ping")
        ok = s.poll(5000) != 0 and s.recv() == b"ping"
        s.close()
        return ok

    execute(kc, 'let before = "kept"')

    def on_control(msg_type):
        # The reply comes at once from the control thread; its busy/idle come from the main thread once it is free.
        msg = kc.session.msg(msg_type, {})
        kc.control_channel.send(msg)
        return {"id": msg["header"]["msg_id"], "reply": reply_to(kc, msg["header"]["msg_id"], "control")}

    def interrupted(code, interrupt):
        msg = kc.session.msg("execute_request", execute_content(code))
        kc.shell_channel.send(msg)
        wait_for(kc, msg["header"]["msg_id"], "execute_input")
        time.sleep(0.3)
        result = {"heartbeat": heartbeat_ok(), "control": on_control("kernel_info_request")}
        result["interrupt"] = interrupt()
        result["reply"] = reply_to(kc, msg["header"]["msg_id"])
        result["iopub"] = collect(kc, msg["header"]["msg_id"])
        for sent in (result["control"], result["interrupt"]):
            if sent:
                sent["iopub"] = collect(kc, sent["id"])
        return result

    by_message = lambda: on_control("interrupt_request")
    r["spin_message"] = interrupted("while (true) {}", by_message)
    r["await_message"] = interrupted("await new Promise(() => {})", by_message)
    km.kernel_spec.interrupt_mode = "signal"
    r["spin_signal"] = interrupted("for (;;) { before.length }", lambda: km.interrupt_kernel())
    r["await_signal"] = interrupted("await new Promise(() => {})", lambda: km.interrupt_kernel())
    r["survived"] = execute(kc, "before")

    msg = kc.session.msg("execute_request", execute_content('const who = await input("name? "); const secret = await input.password(); who + ":" + secret.length', allow_stdin=True))
    kc.shell_channel.send(msg)
    asks = []
    for answer in ("Ada", "s3cret"):
        ask = kc.get_stdin_msg(timeout=TIMEOUT)
        validate(ask)
        asks.append(simple(ask))
        kc.input(answer)
    r["input_requests"] = asks
    r["input"] = {"reply": reply_to(kc, msg["header"]["msg_id"]), "iopub": collect(kc, msg["header"]["msg_id"])}
    r["input_refused"] = execute(kc, 'await input("name? ")')

    def forged(code, signature=None, content=None):
        m = kc.session.msg("execute_request", execute_content(code))
        parts = [kc.session.pack(m["header"]), kc.session.pack(m["parent_header"]), kc.session.pack(m["metadata"]),
                 content if content is not None else kc.session.pack(m["content"])]
        kc.shell_channel.socket.send_multipart([b"<IDS|MSG>", kc.session.sign(parts) if signature is None else signature] + parts)
    forged("globalThis.hacked = 1", signature=b"0" * 64)
    forged("globalThis.hacked = 2", signature=b"")
    forged("", content=b"{not json")
    forged("", content=b"[]")
    r["after_forged"] = execute(kc, "typeof hacked")

    execute(kc, '"first entry"')
    execute(kc, '"second entry"')
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=TIMEOUT)
    drain(kc)
    r["after_restart"] = execute(kc, "typeof before")
    history = lambda **c: request(kc, "history_request", dict({"output": False, "raw": True}, **c))
    r["tail"] = history(hist_access_type="tail", n=3)
    r["tail_output"] = history(hist_access_type="tail", n=1, output=True)
    r["search"] = history(hist_access_type="search", pattern="*entry*", n=10, unique=True)
    first = r["tail"]["reply"]["content"]["history"][0]
    r["range"] = history(hist_access_type="range", session=first[0], start=first[1], stop=first[1] + 1)
    r["search_glob"] = history(hist_access_type="search", pattern='"????? entry"')
    for i in range(12):
        execute(kc, '"many ' + str(i) + '"\n')
    r["search_all"] = history(hist_access_type="search", pattern='"many ?*"')

    r["shutdown"] = request(kc, "shutdown_request", {"restart": False}, channel="control")
    r["exit_code"] = km.provisioner.process.wait(timeout=20)
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    r["stderr"] = open("kernel-stderr.txt").read()
    emit(r)
    `,
    jupyter,
  );
});

afterAll(() => jupyter?.cleanup());

const ofType = (exchange: DriverExchange, type: string) => exchange.iopub.filter((m) => m.msg_type === type);
const result = (exchange: DriverExchange) => ofType(exchange, 'execute_result')[0]?.content.data['text/plain'];

describe('kernel lifecycle through jupyter_client', () => {
  it('sends only messages that validate against the official schemas', () => {
    expect(out.problems).toEqual([]);
  });

  it('binds every socket to the connection file address only', () => {
    expect(out.listening).toHaveLength(5);
    expect(new Set(out.listening)).toEqual(new Set(["127.0.0.1"]));
  });

  describe.each(['spin_message', 'await_message', 'spin_signal', 'await_signal'])('interrupt %s', (name) => {
    it('stops the cell while heartbeat and control answer', () => {
      const run = out[name];
      expect(run.heartbeat).toBe(true);
      expect(run.control.reply.content).toMatchObject({ status: 'ok', implementation: 'datakernel' });
      expect(run.control.iopub.map((m: DriverMessage) => m.content.execution_state)).toEqual(['busy', 'idle']);
      if (name.endsWith('message')) {
        expect(run.interrupt.reply.content).toEqual({ status: 'ok' });
        expect(run.interrupt.iopub.map((m: DriverMessage) => m.content.execution_state)).toEqual(['busy', 'idle']);
      }
      expect(run.reply.content).toMatchObject({ status: 'error', ename: 'KeyboardInterrupt' });
      expect(ofType(run, 'error')[0].content.ename).toBe('KeyboardInterrupt');
      expect(run.iopub.at(-1).content).toEqual({ execution_state: 'idle' });
    });
  });

  it('keeps variables defined before an interrupt', () => {
    expect(out.interrupt_mode).toBe('message');
    expect(result(out.survived)).toBe("'kept'");
  });

  it('asks for input and passwords on stdin', () => {
    expect(out.input_requests.map((m: DriverMessage) => m.content)).toEqual([
      { prompt: 'name? ', password: false },
      { prompt: 'Password: ', password: true },
    ]);
    expect(result(out.input)).toBe("'Ada:6'");
    expect(out.input_refused.reply.content.status).toBe('error');
    expect(out.input_refused.reply.content.evalue).toMatch(/does not accept input/);
  });

  it('drops forged, unsigned and malformed messages, logs them and runs nothing', () => {
    expect(result(out.after_forged)).toBe("'undefined'");
    expect(out.stderr).toMatch(/dropped a message on shell: bad signature/);
    expect(out.stderr).toMatch(/dropped a message on shell: missing signature/);
    expect(out.stderr).toMatch(/dropped a message on shell: malformed JSON/);
    expect(out.stderr).toMatch(/dropped a message on shell: content is not an object/);
  });

  it('restarts with a fresh state and keeps history across the restart', () => {
    expect(result(out.after_restart)).toBe("'undefined'");
    expect(out.after_restart.reply.content.execution_count).toBe(1);
    const tail = out.tail.reply.content.history as Array<[number, number, string]>;
    expect(tail.map((entry) => entry[2])).toEqual(['"first entry"', '"second entry"', 'typeof before']);
    expect(tail[0][0]).toBeLessThan(tail[2][0]);
    const [, , withOutput] = out.tail_output.reply.content.history[0];
    expect(withOutput).toHaveLength(2);
    expect(withOutput[0]).toBe('typeof before');
    expect(out.search.reply.content.history.map((entry: unknown[]) => entry[2])).toEqual(['"first entry"', '"second entry"']);
    expect(out.range.reply.content.history).toEqual([tail[0]]);
  });

  it('searches history with ? and * globs as IPython does: every match without n, sources sent with a newline', () => {
    expect(out.search_glob.reply.content.history.map((entry: unknown[]) => entry[2])).toEqual(['"first entry"']);
    const many = out.search_all.reply.content.history.map((entry: unknown[]) => entry[2]);
    expect(many).toEqual(Array.from({ length: 12 }, (_, i) => `"many ${i}"`));
  });

  it('shuts down cleanly on shutdown_request', () => {
    expect(out.shutdown.reply.content).toEqual({ status: 'ok', restart: false });
    expect(out.exit_code).toBe(0);
  });
});
