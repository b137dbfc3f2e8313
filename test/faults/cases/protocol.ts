/*
 * Protocol faults: forged, replayed, malformed and oversized messages, unknown types, odd contents, clients that
 * vanish, concurrent requests. All against one kernel over ZeroMQ, through raw sockets with (or without) the
 * connection's key.
 */
import { randomBytes } from 'node:crypto';
import { decode, Signer } from '../../../kernel/protocol/wire.js';
import type { FaultCase, FaultGroup } from '../harness/fault-case.js';
import { openKernelGroup, type KernelGroupFixture } from '../harness/kernel-group.js';

type Case = FaultCase<KernelGroupFixture>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DELIMITER = Buffer.from('<IDS|MSG>');
const execute = (code: string, extra: Record<string, unknown> = {}) => ({ code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true, ...extra });
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const header = (msgType: string) => ({ msg_id: randomBytes(8).toString('hex'), session: 'faults-raw', username: 'faults', date: new Date().toISOString(), msg_type: msgType, version: '5.3' });

/** Frames signed with the right key over parts the case chose (so only their content is at fault). */
function signed(f: KernelGroupFixture, parts: Buffer[]): Buffer[] {
  return [DELIMITER, Buffer.from(new Signer(f.kernel.connection.key).sign(parts)), ...parts];
}

/** Sends frames, then says whether a reply came, whether the cell ran (`probe` is its marker) and what the kernel logged. */
async function forged(f: KernelGroupFixture, frames: Buffer[], marker: string): Promise<string> {
  const from = f.kernel.kernelLog.length;
  const reply = await f.kernel.sendRaw(frames, { waitMs: 600 });
  const ran = (await f.kernel.run(`typeof globalThis.${marker}`)).text;
  return `reply: ${reply ? 'yes' : 'none'}; ran: ${ran === "'undefined'" ? 'no' : 'yes'}; log: ${f.kernel.logSince(from).trim()}`;
}

/** The content of the reply in `frames` (signed by the kernel). */
const replyContent = (f: KernelGroupFixture, frames: Buffer[] | undefined) => (frames ? JSON.stringify(decode(frames, new Signer(f.kernel.connection.key)).content) : 'no reply');

const cases: Case[] = [
  {
    name: 'execute_request signed with the wrong key',
    expected: 'dropped unexecuted, no reply; the kernel log says "bad signature"',
    match: /reply: none; ran: no; log: .*dropped a message on shell: bad signature/,
    run: (f) => forged(f, f.kernel.frames('execute_request', execute('globalThis.forgedKey = 1'), { key: 'not-the-key' }), 'forgedKey'),
  },
  {
    name: 'execute_request with no signature',
    expected: 'dropped unexecuted; logged as "missing signature"',
    match: /reply: none; ran: no; log: .*missing signature/,
    run: (f) => {
      const frames = f.kernel.frames('execute_request', execute('globalThis.unsigned = 1'));
      frames[1] = Buffer.alloc(0);
      return forged(f, frames, 'unsigned');
    },
  },
  {
    name: 'execute_request with a tampered content under a valid signature',
    expected: 'dropped (the signature covers the content)',
    match: /reply: none; ran: no; log: .*bad signature/,
    run: (f) => {
      const frames = f.kernel.frames('execute_request', execute('1'));
      frames[5] = json(execute('globalThis.tampered = 1'));
      return forged(f, frames, 'tampered');
    },
  },
  {
    name: 'replayed signed execute_request',
    expected: 'the copy is dropped as a replay (the cell runs once), logged',
    match: /runs: 1; log: .*replay/,
    run: async (f) => {
      await f.kernel.run('globalThis.replays = 0');
      const frames = f.kernel.frames('execute_request', execute('globalThis.replays++'));
      const from = f.kernel.kernelLog.length;
      await f.kernel.sendRaw(frames, { waitMs: 600 });
      await f.kernel.sendRaw(frames, { waitMs: 600 });
      const runs = (await f.kernel.run('globalThis.replays')).text;
      return `runs: ${runs}; log: ${f.kernel.logSince(from).trim()}`;
    },
  },
  {
    name: 'signed execute_request taken on shell, replayed on control',
    expected: 'the copy is dropped as a replay on control too (the cell runs once), logged',
    match: /runs: 1; log: .*dropped a message on control: replayed message/,
    run: async (f) => {
      await f.kernel.run('globalThis.crossReplays = 0');
      const frames = f.kernel.frames('execute_request', execute('globalThis.crossReplays++'));
      const from = f.kernel.kernelLog.length;
      await f.kernel.sendRaw(frames, { waitMs: 600 });
      await f.kernel.sendRaw(frames, { channel: 'control', waitMs: 600 });
      const runs = (await f.kernel.run('globalThis.crossReplays')).text;
      return `runs: ${runs}; log: ${f.kernel.logSince(from).trim()}`;
    },
  },
  {
    name: 'frames with no <IDS|MSG> delimiter',
    expected: 'dropped, logged as "no <IDS|MSG> delimiter"',
    match: /reply: none; ran: no; log: .*no <IDS\|MSG> delimiter/,
    run: (f) => forged(f, [Buffer.from('hello'), json(header('execute_request')), json(execute('globalThis.nodelim = 1'))], 'nodelim'),
  },
  {
    name: 'too few frames after the delimiter',
    expected: 'dropped, logged as "expected 5 frames"',
    match: /reply: none; log: .*expected 5 frames after the delimiter, got 2/,
    run: async (f) => {
      const from = f.kernel.kernelLog.length;
      const reply = await f.kernel.sendRaw([DELIMITER, Buffer.from('sig'), json(header('kernel_info_request'))], { waitMs: 600 });
      return `reply: ${reply ? 'yes' : 'none'}; log: ${f.kernel.logSince(from).trim()}`;
    },
  },
  {
    name: 'signed header that is not JSON',
    expected: 'dropped, logged as "malformed JSON"',
    match: /reply: none; log: .*malformed JSON/,
    run: async (f) => {
      const from = f.kernel.kernelLog.length;
      const reply = await f.kernel.sendRaw(signed(f, [Buffer.from('{"msg_type": "kernel_info_request",'), json({}), json({}), json({})]), { waitMs: 600 });
      return `reply: ${reply ? 'yes' : 'none'}; log: ${f.kernel.logSince(from).trim()}`;
    },
  },
  {
    name: 'signed header without msg_type',
    expected: 'dropped, logged as "header lacks msg_type or msg_id"',
    match: /reply: none; log: .*header lacks msg_type or msg_id/,
    run: async (f) => {
      const from = f.kernel.kernelLog.length;
      const reply = await f.kernel.sendRaw(signed(f, [json({ msg_id: 'x' }), json({}), json({}), json({})]), { waitMs: 600 });
      return `reply: ${reply ? 'yes' : 'none'}; log: ${f.kernel.logSince(from).trim()}`;
    },
  },
  {
    name: 'signed content that is a JSON array',
    expected: 'dropped, logged as "content is not an object"',
    match: /reply: none; log: .*content is not an object/,
    run: async (f) => {
      const from = f.kernel.kernelLog.length;
      const reply = await f.kernel.sendRaw(signed(f, [json(header('execute_request')), json({}), json({}), json(['globalThis.x = 1'])]), { waitMs: 600 });
      return `reply: ${reply ? 'yes' : 'none'}; log: ${f.kernel.logSince(from).trim()}`;
    },
  },
  {
    name: 'content nested 100,000 levels deep',
    expected: 'answered or dropped with a log line; the parser does not take the kernel down',
    match: /reply: (yes|none); log: .*(malformed JSON|^$)|reply: yes/,
    run: async (f) => {
      const deep = '{"code": "1", "deep": ' + '['.repeat(100_000) + ']'.repeat(100_000) + '}';
      const from = f.kernel.kernelLog.length;
      const reply = await f.kernel.sendRaw(signed(f, [json(header('kernel_info_request')), json({}), json({}), Buffer.from(deep)]), { waitMs: 2000 });
      return `reply: ${reply ? 'yes' : 'none'}; log: ${f.kernel.logSince(from).trim()}`;
    },
  },
  {
    name: 'a 64 MB garbage frame',
    expected: 'dropped (no delimiter), kernel memory released',
    match: /reply: none; log: .*no <IDS\|MSG> delimiter/,
    timeoutMs: 60_000,
    run: async (f) => {
      const from = f.kernel.kernelLog.length;
      const reply = await f.kernel.sendRaw([randomBytes(64 * 1024 * 1024)], { waitMs: 3000 });
      return `reply: ${reply ? 'yes' : 'none'}; log: ${f.kernel.logSince(from).trim()}`;
    },
  },
  {
    name: 'an execute_request of 8 MB (a huge cell)',
    expected: 'runs (an 8 MB cell is legal): reply ok with its result',
    match: /^\[ok\] 3$/,
    timeoutMs: 60_000,
    run: (f) => f.kernel.observe(`// ${'x'.repeat(8 * 1024 * 1024)}\n1 + 2`),
  },
  {
    name: 'invalid UTF-8 bytes in a signed content',
    expected: 'decoded with replacement characters and run; no crash',
    match: /^reply: \{"status":"ok"/,
    run: async (f) => {
      const content = Buffer.concat([Buffer.from('{"code": "\'ok\' // '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('", "silent": false, "store_history": false, "user_expressions": {}, "allow_stdin": false}')]);
      const reply = await f.kernel.sendRaw(signed(f, [json(header('execute_request')), json({}), json({}), content]), { waitMs: 5000 });
      return `reply: ${replyContent(f, reply)}`;
    },
  },
  {
    name: 'unknown message type on shell',
    expected: 'ignored with a log line naming the type; no reply',
    match: /reply: none; log: .*unknown message type frobnicate_request; ignored/,
    run: async (f) => {
      const from = f.kernel.kernelLog.length;
      const reply = await f.kernel.sendRaw(f.kernel.frames('frobnicate_request', {}), { waitMs: 600 });
      return `reply: ${reply ? 'yes' : 'none'}; log: ${f.kernel.logSince(from).trim()}`;
    },
  },
  {
    name: 'unknown message type on control',
    expected: 'ignored with a log line naming the type',
    match: /reply: none; log: .*unknown message type frobnicate_request; ignored/,
    run: async (f) => {
      const from = f.kernel.kernelLog.length;
      const reply = await f.kernel.sendRaw(f.kernel.frames('frobnicate_request', {}), { channel: 'control', waitMs: 600 });
      return `reply: ${reply ? 'yes' : 'none'}; log: ${f.kernel.logSince(from).trim()}`;
    },
  },
  {
    name: 'execute_request whose code is a number',
    expected: 'an error reply that says code must be a string',
    match: /"status":"error".*"ename":"BadRequest".*content.code must be a string, got number/,
    run: async (f) => replyContent(f, await f.kernel.sendRaw(f.kernel.frames('execute_request', execute(42 as unknown as string)), { waitMs: 5000 })),
  },
  {
    name: 'execute_request with no code field',
    expected: 'an empty cell: reply ok',
    match: /"status":"ok"/,
    run: async (f) => replyContent(f, await f.kernel.sendRaw(f.kernel.frames('execute_request', { silent: false }), { waitMs: 5000 })),
  },
  {
    name: 'complete_request with cursor_pos past the end and negative',
    expected: 'replies ok (cursor clamped) both times',
    match: /^\{"status":"ok".*\n\{"status":"ok"/,
    run: async (f) => {
      const far = replyContent(f, await f.kernel.sendRaw(f.kernel.frames('complete_request', { code: 'kep', cursor_pos: 1e9 }), { waitMs: 5000 }));
      const negative = replyContent(f, await f.kernel.sendRaw(f.kernel.frames('complete_request', { code: 'kep', cursor_pos: -5 }), { waitMs: 5000 }));
      return `${far}\n${negative}`;
    },
  },
  {
    name: 'inspect_request with code null',
    expected: 'an error reply that says code must be a string',
    match: /"status":"error".*inspect_request: content.code must be a string, got null/,
    run: async (f) => replyContent(f, await f.kernel.sendRaw(f.kernel.frames('inspect_request', { code: null, cursor_pos: 0 }), { waitMs: 5000 })),
  },
  {
    name: 'history_request search with a non-string pattern and n = -1',
    expected: 'replies (empty history or an error reply)',
    match: /"status":"(ok|error)"/,
    run: async (f) => replyContent(f, await f.kernel.sendRaw(f.kernel.frames('history_request', { hist_access_type: 'search', pattern: 123, n: -1 }), { waitMs: 5000 })),
  },
  {
    name: 'comm_msg to a comm that does not exist',
    expected: 'ignored; the kernel stays idle and answers',
    match: /reply: none/,
    run: async (f) => `reply: ${(await f.kernel.sendRaw(f.kernel.frames('comm_msg', { comm_id: 'nope', data: { x: 1 } }), { waitMs: 800 })) ? 'yes' : 'none'}`,
  },
  {
    name: 'input_reply nobody asked for, on stdin',
    expected: "ignored: the next prompt gets this client's answer (empty), never the stale one",
    match: /^\[ok\] ''$/,
    run: async (f) => {
      await f.kernel.sendRaw(f.kernel.frames('input_reply', { value: 'stale' }), { channel: 'stdin', waitMs: 300 });
      // This client cannot answer prompts: the cell must fail, not read the stale reply.
      return f.kernel.observe('await input("name? ")');
    },
  },
  {
    name: 'shutdown_request on control with a forged signature',
    expected: 'dropped: the kernel does not shut down',
    match: /reply: none; log: .*dropped a message on control: bad signature/,
    run: async (f) => {
      const from = f.kernel.kernelLog.length;
      const reply = await f.kernel.sendRaw(f.kernel.frames('shutdown_request', { restart: false }, { key: 'guess' }), { channel: 'control', waitMs: 600 });
      return `reply: ${reply ? 'yes' : 'none'}; log: ${f.kernel.logSince(from).trim()}`;
    },
  },
  {
    name: 'a flood of 2,000 garbage messages',
    expected: 'each dropped; the kernel answers right after',
    match: /^dropped: 2000$/,
    timeoutMs: 60_000,
    run: async (f) => {
      const from = f.kernel.kernelLog.length;
      const socket = f.kernel.socket();
      for (let i = 0; i < 2000; i++) await socket.send([Buffer.from(`junk ${i}`)]);
      const deadline = Date.now() + 20_000;
      const count = () => (f.kernel.logSince(from).match(/no <IDS\|MSG> delimiter/g) ?? []).length;
      while (count() < 2000 && Date.now() < deadline) await sleep(50);
      socket.close();
      return `dropped: ${count()}`;
    },
  },
  {
    name: 'client vanishes mid-request',
    expected: 'the cell finishes; its reply to the gone client is dropped; other clients go on',
    match: /^vanished cell ran: 'finished'$/,
    run: async (f) => {
      const socket = f.kernel.socket();
      await socket.send(f.kernel.frames('execute_request', execute('await new Promise((r) => setTimeout(r, 300)); globalThis.vanished = "finished"')));
      // Closing at once (linger 0) could discard the request before it leaves; the client vanishes once it is out.
      await sleep(50);
      socket.close();
      await sleep(100);
      return `vanished cell ran: ${(await f.kernel.run('globalThis.vanished')).text}`;
    },
  },
  {
    name: 'client vanishes while its cell waits for input()',
    expected: 'an interrupt from another client frees the kernel; that cell ends as interrupted',
    match: /^after interrupt: \[ok\] 'free'$/,
    run: async (f) => {
      const socket = f.kernel.socket();
      await socket.send(f.kernel.frames('execute_request', execute('globalThis.answer = await input("name? ")', { allow_stdin: true })));
      await sleep(300);
      socket.close();
      f.kernel.client.interrupt();
      // A request queued before the interrupt lands is aborted with the failed cell (stop_on_error), as in ipykernel.
      await sleep(500);
      return `after interrupt: ${await f.kernel.observe('"free"')}`;
    },
  },
  {
    name: '40 concurrent execute requests',
    expected: 'each answered with its own result, in order',
    match: /^results in order: true$/,
    run: async (f) => {
      const runs = await Promise.all(Array.from({ length: 40 }, (_, i) => f.kernel.run(`${i} * 2`)));
      return `results in order: ${runs.every((r, i) => r.text === String(i * 2))}`;
    },
  },
  {
    name: 'interrupt_request while idle',
    expected: 'acknowledged; the next cell is not interrupted',
    match: /^\[ok\] 'not interrupted'$/,
    run: async (f) => {
      f.kernel.client.interrupt();
      await sleep(300);
      return f.kernel.observe('await new Promise((r) => setTimeout(r, 100)); "not interrupted"');
    },
  },
  {
    name: 'garbage on the heartbeat channel',
    expected: 'echoed back as heartbeats are; the kernel is unaffected',
    match: /^echoed: true$/,
    run: async (f) => {
      const { Request } = await import('zeromq');
      const socket = new Request({ linger: 0, receiveTimeout: 3000 });
      socket.connect(`tcp://${f.kernel.connection.ip}:${f.kernel.connection.hb_port}`);
      const junk = randomBytes(4096);
      await socket.send(junk);
      const [echo] = await socket.receive();
      socket.close();
      return `echoed: ${echo.equals(junk)}`;
    },
  },
];

export const protocolFaults: FaultGroup<KernelGroupFixture> = {
  name: 'protocol',
  open: () => openKernelGroup(),
  cases,
};
