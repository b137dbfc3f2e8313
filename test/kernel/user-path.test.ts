import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installTestKernel, runPython, type DriverExchange, type TestJupyter } from '../helpers/jupyter.js';

// What a new user hit (issue 13), through jupyter_client over ZeroMQ against one real kernel.
let jupyter: TestJupyter;
let out: Record<string, DriverExchange> & { problems: string[] };

beforeAll(async () => {
  jupyter = installTestKernel();
  out = await runPython(
    String.raw`
    from jupyter_driver import start, stop, execute, execute_content, reply_to, emit
    km, kc = start()
    r = {}
    execute(kc, '%%sql top <<\nSELECT range AS n, range * 2 AS twice FROM range(3) ORDER BY n')
    r["sql_rows"] = execute(kc, 'top.toArray().map((r) => Number(r.n + r.twice))')
    execute(kc, '%%sql big <<\nSELECT range AS n FROM range(50000)')
    r["sql_big"] = execute(kc, 'big.toArray().map((r) => r.n)')
    r["sql_big_awaited"] = execute(kc, '(await big.toArray()).length')
    r["folded"] = execute(kc, "const greeting: string = 'hi'\n'a' + 'b'")
    r["page"] = execute(kc, "Math.max?")
    r["page_missing"] = execute(kc, "?nothingHere")
    # A cell that blocks the thread while it prints: its output must arrive while it runs, and stop at the interrupt.
    import time
    msg = kc.session.msg("execute_request", execute_content('let i = 0; const until = Date.now() + 60000; while (Date.now() < until) { if (i % 1000000 === 0) console.log("tick " + i / 1000000); i++ }', stop_on_error=False))
    kc.shell_channel.send(msg)
    sent = time.time()
    streamed = []
    while not streamed:
        m = kc.get_iopub_msg(timeout=30)
        if m["msg_type"] == "stream" and m["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
            streamed.append(time.time() - sent)
    km.interrupt_kernel()
    r["spin"] = {"reply": reply_to(kc, msg["header"]["msg_id"]), "iopub": [], "first_stream_s": streamed[0]}
    r["after_spin"] = execute(kc, "i > 0")
    stop(km, kc)
    emit(r)
    `,
    jupyter,
  );
});

afterAll(() => jupyter?.cleanup());

const result = (exchange: DriverExchange) => exchange.iopub.find((m) => m.msg_type === 'execute_result')?.content.data['text/plain'];

describe('what a new user hit, through jupyter_client', () => {
  it('sends only messages that validate against the official schemas', () => {
    expect(out.problems).toEqual([]);
  });

  it('reads a %%sql result in the next cell without await, and says what to write for a big one', () => {
    expect(result(out.sql_rows)).toBe('[ 0, 3, 6 ]');
    expect(out.sql_big.reply.content).toMatchObject({ status: 'error', ename: 'DataKernelError' });
    expect(out.sql_big.reply.content.traceback.join('\n')).toMatch(/50,000 rows[\s\S]*\(await result\.toArray\(\)\)\.map/);
    expect(result(out.sql_big_awaited)).toBe('50000');
  });

  it('shows the result of a TypeScript cell ending in an expression esbuild folds', () => {
    expect(result(out.folded)).toBe("'ab'");
  });

  it('answers name? and ?name with a page payload, not output', () => {
    for (const exchange of [out.page, out.page_missing]) {
      expect(exchange.iopub.map((m) => m.msg_type)).toEqual(['status', 'execute_input', 'status']);
      expect(exchange.reply.content.payload).toHaveLength(1);
      expect(exchange.reply.content.payload[0]).toMatchObject({ source: 'page', start: 0 });
    }
    expect(out.page.reply.content.payload[0].data['text/plain']).toMatch(/max/);
    expect(out.page_missing.reply.content.payload[0].data['text/plain']).toBe('Object `nothingHere` not found.');
  });

  it('streams the output of a loop that blocks the thread while it runs, and interrupts it', () => {
    // The loop runs for a minute unless interrupted: its first line arrived long before that.
    expect((out.spin as unknown as { first_stream_s: number }).first_stream_s).toBeLessThan(30);
    expect(out.spin.reply.content).toMatchObject({ status: 'error', ename: 'KeyboardInterrupt' });
    expect(result(out.after_spin)).toBe('true');
  });
});
