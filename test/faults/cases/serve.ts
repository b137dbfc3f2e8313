/*
 * Serving faults: bad, oversized, mistyped and abandoned HTTP requests to a model served by %serve from the
 * kernel, over real HTTP. After each, the kernel and the server must still answer and predict.
 */
import { connect } from 'node:net';
import { join } from 'node:path';
import type { FaultCase, FaultGroup } from '../harness/fault-case.js';
import { repoRoot } from '../harness/kernel-fixture.js';
import { openKernelGroup, type KernelGroupFixture } from '../harness/kernel-group.js';

interface ServeFixture extends KernelGroupFixture {
  url: string;
}
type Case = FaultCase<ServeFixture>;
const penguins = join(repoRoot, 'node_modules/vega-datasets/data/penguins.json');
const row = { Island: 'Biscoe', 'Beak Length (mm)': 45, 'Beak Depth (mm)': 15, 'Flipper Length (mm)': 215, 'Body Mass (g)': 5000, Sex: 'MALE' };

const answer = async (response: Response) => `${response.status} ${(await response.text()).slice(0, 400)}`;
const post = (f: ServeFixture, path: string, body: string, type = 'application/json') => fetch(`${f.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body }).then(answer);

const httpCase = (name: string, expected: string, match: RegExp, run: (f: ServeFixture) => Promise<string>): Case => ({ name, expected, match, run });

const cases: Case[] = [
  httpCase('a good request (control)', '200 with a prediction', /^200 .*predictions/, (f) => post(f, '/v1/models/faultsmodel:predict', JSON.stringify({ instances: [row] }))),
  httpCase('a body that is not JSON', '400 saying the body is not valid JSON', /^400 .*JSON/i, (f) => post(f, '/v1/models/faultsmodel:predict', '{"instances": [')),
  httpCase('a body over --max-body-bytes', '413 naming the limit, before the body is read', /^HTTP\/1\.1 413 [\s\S]*larger than 100000 bytes/, async (f) => {
    const { hostname, port } = new URL(f.url);
    return new Promise<string>((resolve) => {
      let text = '';
      const socket = connect(Number(port), hostname, () => {
        socket.write('POST /v1/models/faultsmodel:predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 6000000\r\n\r\n{"instances": [');
      });
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
      setTimeout(() => socket.destroy(), 3000);
    });
  }),
  httpCase('an unknown model', '404 naming the model and the served ones', /^404 .*nosuchmodel/, (f) => post(f, '/v1/models/nosuchmodel:predict', JSON.stringify({ instances: [row] }))),
  httpCase('an unknown version', '404 naming the version', /^404 .*(version|99)/i, (f) => post(f, '/v1/models/faultsmodel/versions/99:predict', JSON.stringify({ instances: [row] }))),
  httpCase('no instances or inputs', '400 saying instances or inputs is needed', /^400 .*(instances|inputs)/, (f) => post(f, '/v1/models/faultsmodel:predict', JSON.stringify({ rows: [row] }))),
  httpCase('an empty instances list', '400 or an empty prediction list, never a crash', /^(200 .*predictions.*\[\]|400 )/, (f) => post(f, '/v1/models/faultsmodel:predict', JSON.stringify({ instances: [] }))),
  httpCase('a feature of the wrong type', '400 naming the feature and the type it needs', /^400 .*Beak Length/, (f) => post(f, '/v1/models/faultsmodel:predict', JSON.stringify({ instances: [{ ...row, 'Beak Length (mm)': 'long' }] }))),
  httpCase('GET on :predict', '405 (or 404) naming the method to use', /^(405|404) /, (f) => fetch(`${f.url}/v1/models/faultsmodel:predict`).then(answer)),
  httpCase('V2 infer with a shape that does not match the data', '400 naming the input and the mismatch', /^400 .*(shape|data)/i, (f) =>
    post(f, '/v2/models/faultsmodel/infer', JSON.stringify({ inputs: [{ name: 'Body Mass (g)', datatype: 'FP32', shape: [3], data: [1] }] })),
  ),
  httpCase('a path that does not exist', '404', /^404 /, (f) => fetch(`${f.url}/v1/../../etc/passwd`).then(answer)),
  httpCase('a client that sends half a body and vanishes', 'the server drops it and keeps serving', /^dropped; then 200 /, async (f) => {
    const { hostname, port } = new URL(f.url);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write('POST /v1/models/faultsmodel:predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"instances": [');
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 200);
      });
    });
    return `dropped; then ${await post(f, '/v1/models/faultsmodel:predict', JSON.stringify({ instances: [row] }))}`;
  }),
  httpCase('200 concurrent requests', 'all answered 200', /^200 x 200$/, async (f) => {
    const codes = await Promise.all(Array.from({ length: 200 }, () => fetch(`${f.url}/v1/models/faultsmodel:predict`, { method: 'POST', body: JSON.stringify({ instances: [row] }) }).then((r) => r.status)));
    return `${codes.filter((c) => c === 200).length} x 200`.replace(/^200 x 200$/, '200 x 200');
  }),
];

export const serveFaults: FaultGroup<ServeFixture> = {
  name: 'serve',
  open: async () => {
    const fixture = await openKernelGroup({ setup: [`%train faultsmodel --data ${penguins} --target Species --epochs 5`] });
    const served = await fixture.kernel.run('%serve faultsmodel --port 0 --max-body-bytes 100000');
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(served.text)?.[1];
    if (!url) {
      await fixture.close();
      throw new Error(`%serve did not start:\n${served.text}`);
    }
    const serverAnswers = async () => (await fetch(`${url}/v2/health/ready`).then((r) => r.status).catch(() => 0)) === 200;
    return { ...fixture, url, alive: async () => (await fixture.alive()) && (await serverAnswers()) };
  },
  cases,
};
