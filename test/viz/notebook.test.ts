import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { format } from '../../src/display/format.js';
import { plot, reshipPlotly } from '../../src/viz/index.js';
import { installTestKernel, runJupyter, type TestJupyter } from '../helpers/jupyter.js';

const repo = resolve(import.meta.dirname, '../..');
const screenshots = join(repo, 'test/.tmp');
const FLIGHTS = join(repo, 'node_modules/vega-datasets/data/flights-3m.parquet');
const VIZ = join(repo, 'dist/src/viz/index.js');
const PLOTLY_BANNER = '* plotly.js v';

const cells = [
  "const sales = [{ city: 'Oslo', amount: 10 }, { city: 'Rome', amount: 7 }, { city: 'Lima', amount: 3 }, { city: 'Kyiv', amount: 5 }];",
  '%plot bar --data sales --x city --y amount --title "Sales by city"',
  `import { plot } from '${VIZ}';\nplot.scatter({ x: [1, 2, 3, 4, 5, 6], y: [2, 4, 3, 5, 1, 6] }, { x: 'x', y: 'y', title: 'Six points' })`,
  `%plot histogram --data ${FLIGHTS} --x delay --bins 30 --title "3M flight delays"`,
];

const notebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: 'datakernel', display_name: 'datakernel', language: 'typescript' } },
  cells: cells.map((source, i) => ({ id: `cell-${i}`, cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source })),
};

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}

let jupyter: TestJupyter;
let browser: Browser | undefined;

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: repo, stdio: 'ignore' });
  jupyter = installTestKernel({ name: 'datakernel' });
  writeFileSync(join(jupyter.workDir, 'charts.ipynb'), JSON.stringify(notebook));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  jupyter?.cleanup();
});

describe('charts in an executed notebook and its HTML export', () => {
  it('executes with nbconvert, exports HTML with plotly.js once, and draws every chart offline in Chromium', async () => {
    const executed = await runJupyter(['nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.timeout=120', 'charts.ipynb', '--output', 'executed.ipynb'], jupyter, { timeoutMs: 240_000 });
    expect(executed.code, executed.stderr).toBe(0);
    const out = JSON.parse(readFileSync(join(jupyter.workDir, 'executed.ipynb'), 'utf8')) as { cells: Array<{ outputs: Output[] }> };
    const charts = out.cells.flatMap((c) => c.outputs).filter((o) => o.data?.['application/vnd.plotly.v1+json']);
    expect(out.cells.flatMap((c) => c.outputs).filter((o) => o.output_type === 'error')).toEqual([]);
    expect(charts).toHaveLength(3);
    for (const chart of charts) expect(Object.keys(chart.data!)).toEqual(expect.arrayContaining(['text/html', 'image/svg+xml', 'text/plain']));

    const exported = await runJupyter(['nbconvert', '--to', 'html', 'executed.ipynb', '--output', 'executed.html'], jupyter, { timeoutMs: 120_000 });
    expect(exported.code, exported.stderr).toBe(0);
    const htmlPath = join(jupyter.workDir, 'executed.html');
    expect(readFileSync(htmlPath, 'utf8').split(PLOTLY_BANNER).length - 1).toBe(1);

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    // No network: CDN scripts of the nbconvert template (require.js, MathJax) fail, as on an offline machine.
    await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`file://${htmlPath}`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    await page.waitForFunction(() => document.querySelectorAll('.js-plotly-plot').length === 3, undefined, { timeout: 120_000 });
    const plots = page.locator('.js-plotly-plot');
    expect(await plots.nth(0).locator('.barlayer .point').count()).toBe(4);
    expect(await plots.nth(1).locator('.scatterlayer .point').count()).toBe(6);
    expect(await plots.nth(2).locator('.barlayer .point').count()).toBeGreaterThanOrEqual(10);
    expect(await plots.nth(0).locator('.gtitle').textContent()).toBe('Sales by city');
    expect(errors.filter((e) => /plotly|datakernel/i.test(e))).toEqual([]);
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, 'viz-notebook.png'), fullPage: true });
  }, 480_000);

  it('draws in a page with an AMD loader (classic Notebook has require.js), plotly.js still sent once', async () => {
    reshipPlotly();
    const first = (await format(plot.bar([{ k: 'a', v: 1 }, { k: 'b', v: 2 }], { x: 'k', y: 'v' })))['text/html'] as string;
    const second = (await format(plot.scatter({ x: [1, 2, 3], y: [3, 1, 2] }, { x: 'x', y: 'y' })))['text/html'] as string;
    // A minimal AMD loader: an anonymous define() call from a UMD bundle would be swallowed here, as by require.js.
    const loader = `<script>window.amdModules = []; window.define = function (name) { window.amdModules.push(typeof name === 'string' ? name : '(anonymous)'); };
      window.define.amd = {}; window.require = function () {}; window.require.defined = function () { return false; };</script>`;
    browser ??= await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    const page = await browser.newPage();
    await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
    const path = join(jupyter.workDir, 'amd.html');
    writeFileSync(path, `<!DOCTYPE html><html><body>${loader}<div>${first}</div><div>${second}</div></body></html>`);
    await page.goto(`file://${path}`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    await page.waitForFunction(() => document.querySelectorAll('.js-plotly-plot').length === 2, undefined, { timeout: 120_000 });
    expect(await page.evaluate(() => (window as unknown as { amdModules: string[] }).amdModules)).toEqual(['plotly']);
    expect(await page.locator('.js-plotly-plot').nth(0).locator('.barlayer .point').count()).toBe(2);
    expect(await page.locator('.js-plotly-plot').nth(1).locator('.scatterlayer .point').count()).toBe(3);
  }, 300_000);
});
