/*
 * Debian's classic Jupyter Notebook server (6.x) on a free localhost port with a random token, seeing the test
 * kernelspec of installTestKernel():
 *
 *   const server = await startNotebookServer(jupyter);   // serves jupyter.workDir
 *   await page.goto(server.urlFor('notebooks/demo.ipynb'));
 *   await server.stop();
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestJupyter } from './jupyter.js';
import { freePort } from './serve-process.js';

export interface NotebookServer {
  /** `http://127.0.0.1:PORT/`. */
  url: string;
  token: string;
  /** The address of a path under the server, with the token that logs the browser in. */
  urlFor(path: string): string;
  /** What the server printed so far (stdout and stderr), for failure messages. */
  log(): string;
  /** Stops the server (which shuts its kernels down) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts `python3 -m notebook` serving jupyter.workDir; resolves once its REST API answers. @default timeoutMs 90000 */
export async function startNotebookServer(jupyter: TestJupyter, options: { timeoutMs?: number } = {}): Promise<NotebookServer> {
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const configDir = join(jupyter.root, 'notebook-config');
  mkdirSync(configDir, { recursive: true });
  const child = spawn('/usr/bin/python3', [
    '-m', 'notebook', '--no-browser', '--allow-root', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0',
    `--NotebookApp.token=${token}`, `--notebook-dir=${jupyter.workDir}`,
  ], { cwd: jupyter.workDir, env: { ...jupyter.env, JUPYTER_CONFIG_DIR: configDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let running = true;
  void exited.then(() => { running = false; });

  const url = `http://127.0.0.1:${port}/`;
  const stop = async () => {
    if (!running) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  };
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  for (;;) {
    if (!running) throw new Error(`jupyter notebook exited before it served\n${output.slice(-4000)}`);
    const status = await fetch(`${url}api/status?token=${token}`).then((r) => r.status, () => 0);
    if (status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`jupyter notebook did not answer on ${url} in time\n${output.slice(-4000)}`);
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  return { url, token, urlFor: (path) => `${url}${path}?token=${token}`, log: () => output, stop };
}
