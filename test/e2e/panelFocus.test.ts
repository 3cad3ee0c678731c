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
import { ApplyPolicyRequest, createResponse, UndoApplyRequest } from '../../src/protocol.ts';
import type { ActionResult } from '../../src/protocolPayloads.ts';
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
  second = analyze(loaded.dataset, { budget: 0.0001, issues: loaded.issues });
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

/** Marks the nodes with these ids, to tell them from nodes drawn in their place. */
const markIds = (page: Page, ids: readonly string[]): Promise<void> =>
  page.evaluate((list) => list.forEach((id) => void ((document.getElementById(id) as HTMLElement & { kept?: boolean }).kept = true)), ids);
/** For each id, whether its node is the one marked before. */
const keptIds = (page: Page, ids: readonly string[]): Promise<boolean[]> =>
  page.evaluate((list) => list.map((id) => (document.getElementById(id) as (HTMLElement & { kept?: boolean }) | null)?.kept === true), ids);

/** Waits for the panel's next request of `method` after the first `from` messages it posted, and returns its id. */
async function nextRequest(page: Page, method: string, from: number): Promise<number> {
  const found = await page.waitForFunction(
    ([m, f]) => (window as unknown as { __sent: { method?: string; kind?: string; id?: number }[] }).__sent.slice(f).find((x) => x.kind === 'request' && x.method === m)?.id,
    [method, from] as const,
  );
  return (await found.jsonValue()) as number;
}

const sentCount = (page: Page): Promise<number> => page.evaluate(() => (window as unknown as { __sent: unknown[] }).__sent.length);

/** Answers the panel's request `id` as the host would. */
async function answer(page: Page, type: typeof ApplyPolicyRequest | typeof UndoApplyRequest, id: number, result: ActionResult): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), createResponse(type, id, result));
}

/** The action bar's message, and whether it offers Undo. */
const outcome = (page: Page): Promise<{ message: string; undo: boolean }> =>
  page.evaluate(() => ({ message: (document.getElementById('action-message')?.textContent ?? '').trim(), undo: !(document.getElementById('undo-apply')?.hidden ?? true) }));

test('the action bar keeps its buttons while what it shows is the same (a click is never taken from under the pointer), and an outcome that comes after the bar was drawn anew shows on the bar drawn now', async () => {
  const page = await openPanel(browser);
  await show(page, first, 1);
  const ids = ['apply-policy', 'undo-apply', 'action-message'];
  await markIds(page, ids);
  // The status turns to computing, then the same result comes back: the bar shows the same policy and figures.
  await show(page, first, 2, 'computing');
  await show(page, first, 3);
  assert.deepEqual(await keptIds(page, ids), [true, true, true], 'the same buttons, not buttons drawn in their place');

  // Apply; while the host writes, another vertex is selected and the selection cleared: the bar is drawn twice anew.
  let from = await sentCount(page);
  await page.click('#apply-policy');
  const applyId = await nextRequest(page, ApplyPolicyRequest.method, from);
  await page.locator('table#vertex-table tbody tr').last().click();
  await page.waitForFunction(() => document.getElementById('vertex-action')?.dataset.source === 'selected');
  await page.click('#clear-selection');
  await page.waitForFunction(() => document.getElementById('vertex-action')?.dataset.source === 'recommended');
  assert.deepEqual(await keptIds(page, ids), [false, false, false], 'the bar was drawn anew (else this would not test it)');
  await answer(page, ApplyPolicyRequest, applyId, { ok: true, message: 'Wrote the cascade.', undoable: true });
  await page.waitForFunction(() => document.getElementById('action-message')?.textContent === 'Wrote the cascade.');
  assert.deepEqual(await outcome(page), { message: 'Wrote the cascade.', undo: true }, 'the outcome and Undo on the bar shown');

  // Undo; the status turns to computing before the host answers: the same button, and the outcome on it.
  await markIds(page, ids);
  from = await sentCount(page);
  await page.click('#undo-apply');
  const undoId = await nextRequest(page, UndoApplyRequest.method, from);
  await show(page, first, 4, 'computing');
  await answer(page, UndoApplyRequest, undoId, { ok: true, message: 'Took it back.' });
  await page.waitForFunction(() => document.getElementById('action-message')?.textContent === 'Took it back.');
  assert.deepEqual(await outcome(page), { message: 'Took it back.', undo: false });
  assert.deepEqual(await keptIds(page, ids), [true, true, true]);
  await page.close();
});
