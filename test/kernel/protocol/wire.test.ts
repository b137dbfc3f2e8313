import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeMessage } from '../../../kernel/protocol/message.js';
import { codePointToIndex, indexToCodePoint } from '../../../kernel/protocol/unicode.js';
import { decode, encode, ReplayGuard, Signer, WireError } from '../../../kernel/protocol/wire.js';

const signer = new Signer('secret-key');
const request = makeMessage('execute_request', { code: '1 + 1' }, { session: 'client', identities: [Buffer.from('peer')] });

describe('wire framing', () => {
  it('round-trips a message with identities and buffers, signed with HMAC-SHA256 over the four JSON parts', () => {
    const frames = encode({ ...request, buffers: [Buffer.from([1, 2, 3])] }, signer);
    expect(frames[1].toString()).toBe('<IDS|MSG>');
    const hmac = createHmac('sha256', 'secret-key');
    frames.slice(3, 7).forEach((part) => hmac.update(part));
    expect(frames[2].toString()).toBe(hmac.digest('hex'));
    const decoded = decode(frames, signer);
    expect(decoded.identities).toEqual([Buffer.from('peer')]);
    expect(decoded.header).toEqual(request.header);
    expect(decoded.content).toEqual({ code: '1 + 1' });
    expect(decoded.buffers).toEqual([Buffer.from([1, 2, 3])]);
  });

  it.each([
    ['a bad signature', (f: Buffer[]) => f.with(2, Buffer.from('0'.repeat(64))), /bad signature/],
    ['no signature', (f: Buffer[]) => f.with(2, Buffer.alloc(0)), /missing signature/],
    ['a signature from another key', (f: Buffer[]) => encode(request, new Signer('other-key')), /bad signature/],
    ['no delimiter', (f: Buffer[]) => f.filter((p) => p.toString() !== '<IDS|MSG>'), /delimiter/],
    ['missing frames', (f: Buffer[]) => f.slice(0, 5), /expected 5 frames/],
  ])('rejects %s', (_name, tamper, reason) => {
    expect(() => decode(tamper(encode(request, signer)), signer)).toThrow(reason);
  });

  it('rejects malformed JSON and non-object content even when correctly signed', () => {
    for (const [content, reason] of [['{oops', /malformed JSON/], ['[]', /content is not an object/], ['null', /content is not an object/]] as const) {
      const parts = encode(request, signer).slice(3, 7);
      parts[3] = Buffer.from(content);
      const frames = [Buffer.from('peer'), Buffer.from('<IDS|MSG>'), Buffer.from(signer.sign(parts)), ...parts];
      expect(() => decode(frames, signer)).toThrow(WireError);
      expect(() => decode(frames, signer)).toThrow(reason);
    }
  });

  it('refuses a signed message seen before, remembering a bounded number of signatures', () => {
    const replays = new ReplayGuard(2);
    const frames = encode(request, signer);
    expect(decode(frames, signer, replays).content).toEqual({ code: '1 + 1' });
    expect(() => decode(frames, signer, replays)).toThrow(/replayed message/);
    const fresh = () => encode(makeMessage('execute_request', { code: '2' }, { session: 'client' }), signer);
    decode(fresh(), signer, replays);
    decode(fresh(), signer, replays);
    // The first signature was forgotten to stay within 2; a new message is never mistaken for a replay.
    expect(decode(frames, signer, replays).content).toEqual({ code: '1 + 1' });
  });

  it('signs nothing and accepts anything with an empty key (the spec allows unsigned sessions)', () => {
    const open = new Signer('');
    const frames = encode(request, open);
    expect(frames[2].length).toBe(0);
    expect(decode(frames, open).content).toEqual({ code: '1 + 1' });
  });
});

describe('cursor positions', () => {
  it('converts between code points (Jupyter) and UTF-16 indexes (JavaScript)', () => {
    const text = 'a😀b𝔘c';
    expect(codePointToIndex(text, 2)).toBe(3);
    expect(codePointToIndex(text, 4)).toBe(6);
    expect(codePointToIndex(text, 99)).toBe(text.length);
    expect(indexToCodePoint(text, 3)).toBe(2);
    expect(indexToCodePoint(text, text.length)).toBe(5);
  });
});
