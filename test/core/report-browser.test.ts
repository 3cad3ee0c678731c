/**
 * The report opened as a user would, from disk in headless Chromium (Debian's, through
 * playwright-core, which downloads nothing): no request leaves the page, nothing is logged as
 * an error, the chart is drawn, the tables are complete, light and dark both work, and a hostile
 * model name stays text.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from '../support/paths.ts';
import { EVIL_MODEL, evilDataset, runCli, tempDir } from './report.support.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install chromium to run this test)`;

const examples = resolve(repoRoot, 'examples/mmlu');
const OPTIONS = ['--budget', '0.0002', '--split-field', 'split', '--calibration', 'train', '--holdout', 'test', '--bootstrap', '0'];

interface Opened {
  page: Page;
  /** Every request the page made other than loading the report itself. */
  requests: string[];
  /** Console errors and warnings, uncaught exceptions and dialogs. */
  problems: string[];
}

/** Opens `file` with every network request recorded and aborted. */
async function open(browser: Browser, file: string, colorScheme: 'light' | 'dark'): Promise<Opened> {
  const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 900 }, offline: true });
  const url = pathToFileURL(file).href;
  const requests: string[] = [];
  const problems: string[] = [];
  await context.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
  const page = await context.newPage();
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(url);
  await page.waitForSelector('#report-root:is([data-status="ready"], [data-status="error"])', { timeout: 30_000 });
  return { page, requests, problems };
}

/** Share of the canvas's pixels that differ from its top-left pixel (the background). */
async function drawnShare(page: Page): Promise<{ width: number; height: number; share: number; background: number[] }> {
  return page.evaluate(() => {
    const canvas = document.getElementById('frontier-chart') as HTMLCanvasElement;
    const ctx = canvas.getContext('2d')!;
    const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const bg = [data[0], data[1], data[2], data[3]];
    let differ = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] !== bg[0] || data[i + 1] !== bg[1] || data[i + 2] !== bg[2] || data[i + 3] !== bg[3]) differ++;
    return { width, height, share: differ / (width * height), background: bg };
  });
}

describe('the report in headless Chromium', { skip }, () => {
  let browser: Browser;
  let file = '';
  let envelopeLength = 0;

  before(async () => {
    file = join(tempDir('cf-report-browser-'), 'mmlu report.html');
    const r = await runCli(['report', examples, ...OPTIONS, '-o', file]);
    assert.equal(r.code, 0, r.err);
    const a = await runCli(['analyze', examples, ...OPTIONS, '--json']);
    envelopeLength = JSON.parse(a.out).envelope.length;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  });

  after(async () => {
    await browser?.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`${scheme}: no network request, no console error, the chart drawn, every vertex in the table`, async () => {
      const { page, requests, problems } = await open(browser, file, scheme);
      try {
        assert.equal(await page.getAttribute('#report-root', 'data-status'), 'ready');
        assert.deepEqual(requests, []);
        assert.deepEqual(problems, []);
        assert.equal(await page.getAttribute('#chart-container', 'data-theme-kind'), scheme);
        const drawn = await drawnShare(page);
        assert.ok(drawn.width > 300 && drawn.height > 300, `canvas ${drawn.width}x${drawn.height}`);
        assert.ok(drawn.share > 0.02, `only ${(drawn.share * 100).toFixed(2)}% of the canvas is drawn`);
        // The chart's background follows the scheme: bright in light, dark in dark.
        const luminance = (drawn.background[0] + drawn.background[1] + drawn.background[2]) / 3;
        assert.ok(scheme === 'light' ? luminance > 200 : luminance < 60, `background ${drawn.background}`);
        assert.equal(await page.locator('#vertex-table tbody tr').count(), envelopeLength);
        assert.equal(await page.locator('#vertex-table tbody tr.recommended').count(), 1);
        assert.ok(await page.locator('#chart-controls').isVisible());
      } finally {
        await page.context().close();
      }
    });
  }

  it('the controls redraw the chart in place, still without requests or errors', async () => {
    const { page, requests, problems } = await open(browser, file, 'light');
    try {
      const count = async () => Number(await page.getAttribute('#chart-container', 'data-render-count'));
      const before = await count();
      await page.check('#toggle-pairs');
      await page.check('#sample-held-out');
      await page.check('#x-scale-linear');
      await page.click('#vertex-table tbody tr[data-index="3"]');
      assert.equal(await count(), before + 4);
      assert.equal(await page.getAttribute('#chart-container', 'data-figures'), 'held-out');
      assert.equal(await page.getAttribute('#chart-container', 'data-show-pairs'), 'true');
      assert.equal(await page.getAttribute('#chart-container', 'data-x-scale'), 'linear');
      assert.equal(await page.locator('#vertex-table tbody tr.selected').getAttribute('data-index'), '3');
      assert.ok((await drawnShare(page)).share > 0.02);
      assert.deepEqual(requests, []);
      assert.deepEqual(problems, []);
    } finally {
      await page.context().close();
    }
  });

  it('a hostile model name is shown as text and runs nothing', async () => {
    const evil = join(tempDir('cf-report-browser-'), 'evil.html');
    const r = await runCli(['report', evilDataset(), '--no-split', '--budget', '0.02', '--bootstrap', '0', '-o', evil]);
    assert.equal(r.code, 0, r.err);
    const { page, requests, problems } = await open(browser, evil, 'light');
    try {
      assert.equal(await page.getAttribute('#report-root', 'data-status'), 'ready');
      assert.deepEqual(requests, []);
      assert.deepEqual(problems, []);
      assert.equal(await page.locator('img').count(), 0);
      assert.equal(await page.locator('script').count(), 2);
      const names = await page.locator('#model-table tbody td.name').allTextContents();
      assert.ok(names.includes(EVIL_MODEL), JSON.stringify(names));
    } finally {
      await page.context().close();
    }
  });
});
