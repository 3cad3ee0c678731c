// The keyboard focus when the panel draws a section again (a new result after a save, the
// status turning to "computing"), in the panel's own page in Debian's headless Chromium: a
// control that had the focus has it again in the section drawn anew, so the next key press
// reaches it instead of the page's body. Reached with the Tab key only, as a keyboard user does.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { analyze } from '../../src/core/analyze.ts';
import { loadEvalFiles } from '../../src/core/load/index.ts';
import type { AnalysisResult } from '../../src/core/types.ts';
import { ROOT } from './support/paths.ts';
import { killRecordedSync } from './support/processes.ts';
import { launchBrowser } from './support/workbench.ts';
import { openPanel, show } from './support/panelPage.ts';

process.on('exit', () => killRecordedSync());

let browser: Browser;
let closeBrowser: () => Promise<void>;
let first: AnalysisResult;
let second: AnalysisResult;

before(async () => {
  const loaded = await loadEvalFiles([join(ROOT, 'examples', 'mmlu')]);
  first = analyze(loaded.dataset, { budget: 0.0002, issues: loaded.issues });
  // Another budget: another recommendation, so the action bar is drawn with other words.
  second = analyze(loaded.dataset, { budget: 0.0004, issues: loaded.issues });
  ({ browser, close: closeBrowser } = await launchBrowser());
});

after(async () => {
  await closeBrowser?.();
});

/** What has the focus: its tag, id and label, and whether it is the node marked before (`kept`). */
function focused(page: Page): Promise<{ tag: string; id: string; label: string; kept: boolean }> {
  return page.evaluate(() => {
    const a = document.activeElement as (HTMLElement & { kept?: boolean }) | null;
    return { tag: a?.tagName.toLowerCase() ?? '', id: a?.id ?? '', label: a?.getAttribute('aria-label') ?? '', kept: a?.kept === true };
  });
}

/** {@link focused} once the page has painted the redraw (a control drawn anew takes the focus once it has rendered). */
async function settledFocus(page: Page): Promise<Awaited<ReturnType<typeof focused>>> {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  return focused(page);
}

/** Presses Tab until `match` holds for the focused element (at most 80 presses). */
async function tabTo(page: Page, match: (f: Awaited<ReturnType<typeof focused>>) => boolean, what: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    if (match(await focused(page))) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${what}`);
}

/** Marks the focused node, to tell it from a node drawn in its place. */
const markFocused = (page: Page): Promise<void> => page.evaluate(() => void ((document.activeElement as HTMLElement & { kept?: boolean }).kept = true));

test('the Apply button keeps the focus while the status turns to computing and a new result is drawn, and Enter then applies the new recommendation', async () => {
  const page = await openPanel(browser);
  await show(page, first, 1);
  await tabTo(page, (f) => f.id === 'apply-policy', 'the Apply button');
  await markFocused(page);
  await show(page, first, 2, 'computing');
  const whileComputing = await settledFocus(page);
  await show(page, second, 3);
  const afterResult = await settledFocus(page);
  assert.deepEqual([whileComputing.id, afterResult.id], ['apply-policy', 'apply-policy'], 'the Apply button has the focus after each redraw');
  assert.equal(afterResult.kept, false, 'the button was drawn anew (else the test would not test a redraw)');
  const sentBefore = await page.evaluate(() => (window as unknown as { __sent: unknown[] }).__sent.length);
  await page.keyboard.press('Enter');
  const applied = await page.waitForFunction(
    (from) => (window as unknown as { __sent: { method?: string; params?: { policy?: unknown } }[] }).__sent.slice(from).find((m) => m.method === 'config/applyPolicy')?.params?.policy,
    sentBefore,
  );
  assert.deepEqual(await applied.jsonValue(), second.recommendation?.choice?.policy, 'Enter applies the recommendation of the result now shown');
  await page.close();
});

test('a focusable part without an id (the signals table, by its label) keeps the focus when its section is drawn again', async () => {
  const page = await openPanel(browser);
  await show(page, first, 1);
  const label = 'Confidence signals by model';
  await tabTo(page, (f) => f.label === label, 'the signals table');
  await markFocused(page);
  await show(page, second, 2);
  const now = await settledFocus(page);
  assert.equal(now.label, label, 'the signals table has the focus again');
  assert.equal(now.kept, false, 'the table was drawn anew');
  await page.close();
});

test('a narrow panel (320 px, the action bar under the chart): the focus comes back the same way', async () => {
  const page = await openPanel(browser, { width: 320, height: 700 });
  await show(page, first, 1);
  await tabTo(page, (f) => f.id === 'apply-policy', 'the Apply button');
  await markFocused(page);
  await show(page, second, 2);
  const now = await settledFocus(page);
  assert.equal(now.id, 'apply-policy');
  assert.equal(now.kept, false);
  await page.screenshot({ path: join(ROOT, '.cache', 'e2e-panel-focus-narrow.png') });
  await page.close();
});
