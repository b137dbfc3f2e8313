import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KernelFixture } from '../faults/harness/kernel-fixture.js';

// No Kafka broker runs on this machine: what is tested is what a user meets when theirs is unreachable, in a
// real kernel over ZeroMQ.
describe('%connect to a Kafka broker that cannot be reached', () => {
  let kernel: KernelFixture;
  beforeAll(async () => {
    kernel = await KernelFixture.start();
  }, 120_000);
  afterAll(async () => {
    await kernel?.close();
  });

  it('fails fast, naming the URI (password hidden) and the fix, and the kernel stays alive', async () => {
    const started = Date.now();
    const seen = await kernel.observe('%connect events kafka://app:hunter2@127.0.0.1:1 --topic orders');
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(seen).toMatch(/^\[error\][\s\S]*Cannot reach KAFKA broker at kafka:\/\/app:\*\*\*@127\.0\.0\.1:1 \(topic orders\)/);
    expect(seen).toMatch(/Hint: Check that the broker is running and listening on 127\.0\.0\.1:1, and the host, port and credentials in the URI\./);
    expect(seen).not.toContain('hunter2');
    expect(await kernel.alive()).toBe(true);
    const listed = await kernel.observe('%connect');
    expect(listed).toMatch(/^\[ok\]/);
    expect(listed).not.toMatch(/events/);
  }, 60_000);
});
