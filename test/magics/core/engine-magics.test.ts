import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { engineHarness } from '../../engine/engine-harness.js';

const { engine, dir, run, value } = engineHarness();
const startDir = process.cwd();
process.chdir(dir);
afterAll(async () => {
  process.chdir(startDir);
  await engine.shutdown();
});

const DURATION = String.raw`\d+(\.\d+)? (s|ms|µs|ns)`;

describe('%time and %%time', () => {
  it('runs the code, prints CPU and wall time, and gives its value', async () => {
    const { outcome, sink, text } = await run('%time [1, 2, 3].reduce((a, b) => a + b)');
    expect(outcome.status).toBe('ok');
    expect(text).toBe('6');
    expect(sink.text()).toMatch(new RegExp(`^CPU times: user ${DURATION}, sys ${DURATION}, total ${DURATION}\nWall time: ${DURATION}\n$`));
  });

  it('times a cell whose definitions stay in the session', async () => {
    const { text, sink } = await run("%%time\nconst timed = await new Promise<number>((r) => setTimeout(() => r(21), 20))\ntimed * 2");
    expect(text).toBe('42');
    expect(sink.text()).toMatch(/Wall time: \d+(\.\d+)? (ms|s)\n/);
    expect(await value('timed')).toBe('21');
  });

  it('still prints the time when the code throws', async () => {
    const { outcome, sink } = await run("%time (() => { throw new Error('inside') })()");
    expect(outcome.status === 'error' && outcome.error.evalue).toBe('inside');
    expect(sink.text()).toContain('Wall time:');
  });
});

describe('%timeit', () => {
  it('runs N loops R times and reports mean ± std. dev. and the best', async () => {
    await value('globalThis.timeitCalls = 0');
    const { sink } = await run('%timeit -n 20 -r 3 timeitCalls++');
    // A first run that warms up the JIT may trigger IPython's "slowest run" note above the line.
    expect(sink.text()).toMatch(new RegExp(`^(The slowest run took .*\n)?${DURATION} ± ${DURATION} per loop \\(mean ± std. dev. of 3 runs, 20 loops each\\); best ${DURATION}\n$`));
    expect(await value('timeitCalls')).toBe('60');
  });

  it('picks the loop count itself (1, 2, 5, 10, ...) and returns the result with -o', async () => {
    const { text, sink } = await run('const timing = %timeit -o -q -r 2 JSON.stringify({ a: [1, 2, 3] })\ntiming.loops');
    const loops = Number(text);
    expect(String(loops)).toMatch(/^[125]0*$/);
    expect(loops).toBeGreaterThanOrEqual(10);
    expect(sink.text()).toBe('');
    expect(await value('timing.repeat === 2 && timing.runs.length === 2 && timing.best <= timing.mean')).toBe('true');
    expect(await value('timing')).toMatch(/per loop \(mean ± std. dev. of 2 runs/);
  });

  it('times awaited code and cell bodies', async () => {
    const { sink } = await run('%%timeit -n 3 -r 2\nawait new Promise((r) => setTimeout(r, 5))');
    expect(sink.text()).toMatch(/ms ± .* per loop \(mean ± std. dev. of 2 runs, 3 loops each\)/);
  });
});

describe('%run', () => {
  it('runs a .ts file so its definitions land in the session', async () => {
    writeFileSync(join(dir, 'setup.ts'), "import { join } from 'node:path'\nexport interface Cfg { root: string }\nconst cfg: Cfg = { root: join('a', 'b') }\nfunction greet(name: string) { return `hi ${name}` }\nconsole.log('setup ran')\n");
    const { outcome, sink } = await run('%run setup.ts');
    expect(outcome.status).toBe('ok');
    expect(sink.text()).toBe('setup ran\n');
    expect(await value("cfg.root + ' ' + greet('ann')")).toBe("'a/b hi ann'");
  });

  it('runs every TypeScript code cell of a notebook in order, skipping markdown', async () => {
    const notebook = {
      metadata: { kernelspec: { name: 'datakernel', language: 'typescript' } },
      nbformat: 4,
      nbformat_minor: 5,
      cells: [
        { cell_type: 'markdown', source: ['# Title'] },
        { cell_type: 'code', source: ['const nbA: number = 2\n', 'nbA'] },
        { cell_type: 'code', source: 'const nbB = nbA * 10' },
        { cell_type: 'raw', source: 'not code' },
      ],
    };
    writeFileSync(join(dir, 'steps.ipynb'), JSON.stringify(notebook));
    expect((await run('%run steps.ipynb')).outcome.status).toBe('ok');
    expect(await value('nbB')).toBe('20');
  });

  it('names the failing notebook cell, refuses other languages and unknown files', async () => {
    writeFileSync(join(dir, 'bad.ipynb'), JSON.stringify({ metadata: {}, cells: [{ cell_type: 'code', source: 'const fine = 1' }, { cell_type: 'code', source: "throw new Error('cell two broke')" }] }));
    const bad = await run('%run bad.ipynb');
    expect(bad.outcome.status === 'error' && bad.outcome.error.evalue).toBe('cell two broke');
    expect(bad.sink.text()).toContain('code cell 2 of 2 in bad.ipynb failed');
    writeFileSync(join(dir, 'py.ipynb'), JSON.stringify({ metadata: { kernelspec: { language: 'python' } }, cells: [] }));
    const python = await run('%run py.ipynb');
    expect(python.outcome.status === 'error' && python.outcome.error.evalue).toBe('%run: py.ipynb is a python notebook');
    const missing = await run('%run nowhere.ts');
    expect(missing.outcome.status === 'error' && missing.outcome.error.traceback.join('\n')).toMatch(/no such file: nowhere.ts\nHint: /);
    const other = await run('%run data.csv');
    expect(other.outcome.status === 'error' && other.outcome.error.evalue).toBe('%run: cannot run data.csv');
  });
});

describe('%load through the engine', () => {
  it('returns the file as the next input of the front end', async () => {
    writeFileSync(join(dir, 'snippet.ts'), 'const fromFile = 1\n');
    const { outcome } = await run('%load snippet.ts');
    expect(outcome).toEqual({ status: 'ok', result: undefined, nextInput: '// %load snippet.ts\nconst fromFile = 1' });
  });
});
