/*
 * A user's session in a browser: Debian's Jupyter Notebook 6 server with our kernelspec, driven by playwright-core
 * in Debian's headless Chromium. Cells are run the way a user runs them (click, Shift+Enter), the kernel is
 * interrupted with the `I,I` shortcut and restarted from the Kernel menu. The screenshot is written to
 * test/.tmp/browser-e2e.png.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installTestKernel, type TestJupyter } from '../helpers/jupyter.js';
import { startNotebookServer, type NotebookServer } from '../helpers/notebook-server.js';

const repo = resolve(import.meta.dirname, '../..');
const SCREENSHOT = join(repo, 'test', '.tmp', 'browser-e2e.png');
// Conditions, not sleeps: each wait ends as soon as the page shows the state; the bound is for a loaded machine.
const WAIT = { timeout: 90_000 };

const cells = [
  "const kept = 'still here';\nconst cities = [{ city: 'Oslo', temp: 3 }, { city: 'Lima', temp: 19 }, { city: 'Kyiv', temp: -2 }];\ncities",
  '%%sql\nSELECT city, temp * 1.8 + 32 AS fahrenheit FROM cities ORDER BY temp DESC',
  '%plot bar --data cities --x city --y temp --title "Temperature by city"',
  'const forecast = (days: number): number => {\n  throw new RangeError(`no forecast for ${days} days`);\n};\nforecast(3)',
  'while (true) {}',
  'kept',
  'typeof kept',
];

let jupyter: TestJupyter;
let server: NotebookServer;
let context: BrowserContext;
let page: Page;
let profile: string;
const pageErrors: string[] = [];

const cell = (index: number): Locator => page.locator('#notebook-container .cell').nth(index);
const prompt = (index: number): Locator => cell(index).locator('.input_prompt');

/** Selects a cell by clicking its code and runs it with Shift+Enter, as a user does. */
async function runCell(index: number): Promise<void> {
  await cell(index).locator('.CodeMirror-code').click();
  await page.keyboard.press('Shift+Enter');
}

/** Waits until the cell has finished (its prompt shows a number, not `*`) and the kernel is idle. */
async function waitDone(index: number): Promise<void> {
  await expect.poll(async () => (await prompt(index).innerText()).replace(/\s/g, ''), WAIT).toMatch(/^In\[\d+\]:$/);
  await page.locator('#kernel_indicator_icon.kernel_idle_icon').waitFor(WAIT);
}

beforeAll(async () => {
  jupyter = installTestKernel({ name: 'datakernel' });
  writeFileSync(join(jupyter.workDir, 'browser.ipynb'), JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: jupyter.kernelName, display_name: 'TypeScript (datakernel)', language: 'typescript' } },
    cells: cells.map((source, i) => ({ id: `cell-${i}`, cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source })),
  }));
  server = await startNotebookServer(jupyter);
  profile = mkdtempSync(join(tmpdir(), 'datakernel-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    headless: true,
    viewport: { width: 1280, height: 1700 },
  });
  page = context.pages()[0] ?? await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(server.urlFor('notebooks/browser.ipynb'), { waitUntil: 'domcontentloaded', ...WAIT });
  await page.locator('#kernel_indicator_icon.kernel_idle_icon').waitFor(WAIT);
}, 180_000);

afterAll(async () => {
  if (page) {
    mkdirSync(join(repo, 'test', '.tmp'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true }).catch(() => {});
    console.log(`browser screenshot: ${SCREENSHOT}`);
  }
  await context?.close();
  await server?.stop();
  jupyter?.cleanup();
  if (profile) rmSync(profile, { recursive: true, force: true });
}, 60_000);

describe('a notebook in Jupyter Notebook 6 in headless Chromium', () => {
  it('shows the kernel by its display name, idle', async () => {
    await expect.poll(() => page.locator('.kernel_indicator_name').innerText(), WAIT).toBe('TypeScript (datakernel)');
  });

  it('renders an array of records and a %%sql result as HTML tables', async () => {
    await runCell(0);
    await waitDone(0);
    await runCell(1);
    await waitDone(1);
    const records = cell(0).locator('.output_area table');
    await records.waitFor(WAIT);
    expect(await records.locator('tbody tr').count()).toBe(3);
    expect(await records.locator('thead').innerText()).toMatch(/city\s+temp/);
    const sql = cell(1).locator('.output_area table');
    await sql.waitFor(WAIT);
    expect((await sql.locator('tbody tr').allInnerTexts()).map((row) => row.split('\t')[0].trim() || row.trim().split(/\s+/)[0]))
      .toEqual(['Lima', 'Oslo', 'Kyiv']);
    expect(await sql.innerText()).toContain('66.2');
  }, 180_000);

  it('draws a plotly chart in the output area (plotly.js shipped with the first chart)', async () => {
    await runCell(2);
    await waitDone(2);
    const chart = cell(2).locator('.output_area .js-plotly-plot');
    await chart.locator('svg.main-svg').first().waitFor(WAIT);
    expect(await chart.locator('.barlayer .point').count()).toBe(3);
    expect(await chart.locator('.gtitle').textContent()).toBe('Temperature by city');
    expect(pageErrors.filter((error) => /plotly|datakernel/i.test(error))).toEqual([]);
  }, 180_000);

  it('renders an error with its traceback, and the kernel stays up', async () => {
    await runCell(3);
    await waitDone(3);
    const error = cell(3).locator('.output_area .output_error');
    await error.waitFor(WAIT);
    const text = await error.innerText();
    expect(text).toContain('RangeError: no forecast for 3 days');
    expect(text).toMatch(/at forecast \(cell\[\d+\]:2:\d+\)/);
  }, 180_000);

  it('interrupts a busy cell with I,I and keeps the state', async () => {
    await runCell(4);
    await expect.poll(async () => (await prompt(4).innerText()).replace(/\s/g, ''), WAIT).toBe('In[*]:');
    await page.locator('#kernel_indicator_icon.kernel_busy_icon').waitFor(WAIT);
    await page.keyboard.press('Escape');
    await page.keyboard.press('i');
    await page.keyboard.press('i');
    await waitDone(4);
    expect(await cell(4).locator('.output_area .output_error').innerText()).toMatch(/interrupt/i);
    await runCell(5);
    await waitDone(5);
    expect(await cell(5).locator('.output_area .output_result').innerText()).toBe("'still here'");
  }, 180_000);

  it('restarts the kernel from the Kernel menu: the state is gone and cells run again', async () => {
    await page.locator('#kernellink').click();
    await page.locator('#restart_kernel').click();
    await page.locator('.modal-dialog button:has-text("Restart")').click();
    await page.locator('.modal-dialog').waitFor({ state: 'detached', ...WAIT });
    await runCell(6);
    await waitDone(6);
    await expect.poll(() => cell(6).locator('.output_area .output_result').innerText(), WAIT).toBe("'undefined'");
    // A fresh kernel counts from 1 again.
    expect((await prompt(6).innerText()).replace(/\s/g, '')).toBe('In[1]:');
  }, 180_000);
});
