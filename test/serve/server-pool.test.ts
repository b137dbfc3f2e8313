import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ServerPool } from '../../src/serve/index.js';
import { linearFake } from './fake-model.js';

const pool = new ServerPool();
afterAll(() => pool.closeAll());

const predict = async (url: string, name: string) => {
  const res = await fetch(`${url}/v1/models/${name}:predict`, { method: 'POST', body: JSON.stringify({ instances: [{ x: 1 }] }) });
  return res.status;
};

describe('ServerPool', () => {
  it('shares one server per address, serves new versions beside old ones, and closes a server with its last model', async () => {
    const first = await pool.serve(linearFake(), { port: 0 });
    const port = first.port;
    const second = await pool.serve({ ...linearFake(), name: 'other' }, { port });
    expect(second).toBe(first);
    await pool.serve({ ...linearFake(), version: 4 }, { port });
    expect(first.repository.versions('lin')).toEqual(['3', '4']);
    expect(pool.list()).toEqual([
      { model: 'lin', versions: '3, 4', url: first.url, requests: 0 },
      { model: 'other', versions: '3', url: first.url, requests: 0 },
    ]);
    expect(await pool.stop('lin')).toBe(true);
    expect(await predict(first.url, 'lin')).toBe(404);
    expect(await predict(first.url, 'other')).toBe(200);
    expect(await pool.stop('other')).toBe(true);
    expect(await pool.stop('other')).toBe(false);
    await expect(fetch(`${first.url}/v2/health/live`)).rejects.toThrow();
  });

  it('refuses other settings on a shared server and names a busy port', async () => {
    const server = await pool.serve(linearFake(), { port: 0, maxBatchSize: 8 });
    await expect(pool.serve({ ...linearFake(), name: 'b' }, { port: server.port, maxBatchSize: 16 })).rejects.toThrow(/already runs with other batching/);
    const busy = createServer();
    await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done));
    const port = (busy.address() as { port: number }).port;
    await expect(pool.serve({ ...linearFake(), name: 'c' }, { port })).rejects.toThrow(`Port ${port} on 127.0.0.1 is in use`);
    busy.close();
  });
});
