// The panel's table of envelope vertices from one result to the next, in the panel's own page:
// the webview bundle and its style sheet in Debian's headless Chromium, without the editor
// (the editor's scenarios are in editor.test.ts). A row whose vertex shows the same figures at
// the same place is kept, the others are drawn again; the table is then the one a panel that
// only ever saw the second result draws, and it is still one tab stop that the arrow keys move.
// Expected rows come from that second panel, never from the table under test.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { analyze } from '../../src/core/analyze.ts';
import { loadEvalFiles } from '../../src/core/load/index.ts';
import type { AnalysisResult, Dataset } from '../../src/core/types.ts';
import { ROOT } from './support/paths.ts';
import { killRecordedSync } from './support/processes.ts';
import { launchBrowser } from './support/workbench.ts';
import { openPanel as openPage, show } from './support/panelPage.ts';

process.on('exit', () => killRecordedSync());

const BUDGET = 0.0002;

let browser: Browser;
let closeBrowser: () => Promise<void>;
let first: AnalysisResult;
let second: AnalysisResult;

/** The dataset with `model`'s quality changed on its first `count` queries (right becomes wrong and back). */
function withAnswersChanged(dataset: Dataset, model: string, count: number): Dataset {
  return {
    ...dataset,
    models: dataset.models.map((m) => {
      if (m.name !== model) return m;
      const quality = Float64Array.from(m.quality);
      for (let i = 0; i < count; i++) quality[i] = 1 - quality[i];
      return { ...m, quality };
    }),
  };
}

before(async () => {
  const loaded = await loadEvalFiles([join(ROOT, 'examples', 'mmlu')]);
  first = analyze(loaded.dataset, { budget: BUDGET, issues: loaded.issues });
  // Answers of the dearest model changed: the cheap end of the envelope stays, the dear end moves.
  const dearest = [...first.models].sort((a, b) => b.cost - a.cost)[0]!.name;
  second = analyze(withAnswersChanged(loaded.dataset, dearest, 60), { budget: BUDGET, issues: loaded.issues });
  ({ browser, close: closeBrowser } = await launchBrowser());
});

after(async () => {
  await closeBrowser?.();
});

const openPanel = (): Promise<Page> => openPage(browser);

/** Each row of the table as it reads, without the marks that follow the selection and the tab stop. */
function rows(page: Page): Promise<string[]> {
  return page.$$eval('#vertex-table tbody tr', (trs) =>
    trs.map((tr) => {
      const copy = tr.cloneNode(true) as HTMLElement;
      for (const name of ['tabindex', 'class', 'aria-selected']) copy.removeAttribute(name);
      return copy.outerHTML;
    }),
  );
}

test('a second result keeps the rows that read the same, draws the others again, and reads as a panel that only saw it; one tab stop, moved by the arrow keys', async () => {
  const page = await openPanel();
  await show(page, first, 1);
  const before = await rows(page);
  assert.ok(before.length > 10, `the first result has rows (${before.length})`);
  // Each row node of the first table, marked, to tell the rows kept from those drawn again.
  await page.$$eval('#vertex-table tbody tr', (trs) => trs.forEach((tr, i) => ((tr as HTMLElement & { kept?: number }).kept = i)));
  await show(page, second, 2);
  const after = await rows(page);
  const kept = await page.$$eval('#vertex-table tbody tr', (trs) => trs.filter((tr) => (tr as HTMLElement & { kept?: number }).kept !== undefined).length);

  const fresh = await openPanel();
  await show(fresh, second, 2);
  const want = await rows(fresh);
  await fresh.close();
  assert.deepEqual(after, want, 'the table after two results reads as the table of a panel that only saw the second');
  assert.notDeepEqual(after, before, 'the second result changes the table');
  // Both ways taken: rows kept (the cheap end) and rows drawn again (the dear end).
  assert.ok(kept > 0 && kept < after.length, `${kept} of ${after.length} rows kept`);
  const same = after.filter((row, i) => row === before[i]).length;
  assert.equal(kept, same, 'exactly the rows that read the same are kept');

  // Still one tab stop, and the arrow keys move it and the focus.
  const stops = await page.$$eval('#vertex-table tbody tr[tabindex="0"]', (trs) => trs.length);
  assert.equal(stops, 1, 'one row is the tab stop');
  await page.focus('#vertex-table tbody tr[tabindex="0"]');
  const from = await page.evaluate(() => [...document.querySelectorAll('#vertex-table tbody tr')].indexOf(document.activeElement as Element));
  await page.keyboard.press('End');
  const last = await page.evaluate(() => [...document.querySelectorAll('#vertex-table tbody tr')].indexOf(document.activeElement as Element));
  assert.equal(last, after.length - 1, 'End reaches the last row, one drawn again');
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  const next = await page.evaluate(() => [...document.querySelectorAll('#vertex-table tbody tr')].indexOf(document.activeElement as Element));
  assert.equal(next, 1, `ArrowDown from the first row reaches the second (the stop was at ${from})`);
  const stopsAfter = await page.$$eval('#vertex-table tbody tr[tabindex="0"]', (trs) => trs.length);
  assert.equal(stopsAfter, 1, 'still one tab stop');
  await page.close();
});

test('a row is drawn again when any figure it shows changes, one at a time, and only that row', async () => {
  // The first cascade among the cheapest rows (a threshold and an escalation rate to change).
  const at = first.envelope.findIndex((v, i) => i > 0 && v.policy.kind !== 'single');
  assert.ok(at > 0 && at < 40, `a cascade among the first rows (${at})`);
  const v = first.envelope[at]!;
  const withVertex = (change: (x: typeof v) => typeof v): AnalysisResult => ({ ...first, envelope: first.envelope.map((x, i) => (i === at ? change(x) : x)) });
  const held = first.holdout?.find((h) => JSON.stringify(h.policy) === JSON.stringify(v.policy));
  assert.ok(held?.holdout, 'the vertex has held-out figures');
  // With a latency on every vertex (the example files log none), for the latency's own figures.
  const timed: AnalysisResult = { ...first, envelope: first.envelope.map((x, i) => ({ ...x, latency: { meanMs: 100 + i, p95Ms: 200 + i, n: 10 } })) };
  const timedWith = (change: (x: typeof v) => typeof v): AnalysisResult => ({ ...timed, envelope: timed.envelope.map((x, i) => (i === at ? change(x) : x)) });
  const tweaks: [string, AnalysisResult, AnalysisResult][] = [
    ['quality', first, withVertex((x) => ({ ...x, quality: x.quality + 0.001 }))],
    ['cost', first, withVertex((x) => ({ ...x, cost: x.cost * 1.01 }))],
    ['escalation rate', first, withVertex((x) => ({ ...x, escalationRate: x.escalationRate + 0.01 }))],
    ['threshold', first, withVertex((x) => ({ ...x, policy: { ...x.policy, thresholds: [x.policy.thresholds[0]! + 0.01] } }))],
    ['shadow price', first, withVertex((x) => ({ ...x, shadowPrice: { ...x.shadowPrice, lambdaRight: (x.shadowPrice.lambdaRight ?? 1) * 2, muRight: (x.shadowPrice.muRight ?? 1) * 2 } }))],
    ['hull', first, withVertex((x) => ({ ...x, onHull: !x.onHull }))],
    ['latency', first, withVertex((x) => ({ ...x, latency: { meanMs: 123, p95Ms: 456, n: 100 } }))],
    ['mean latency', timed, timedWith((x) => ({ ...x, latency: { ...x.latency!, meanMs: x.latency!.meanMs + 1 } }))],
    ['p95 latency', timed, timedWith((x) => ({ ...x, latency: { ...x.latency!, p95Ms: x.latency!.p95Ms + 1 } }))],
    ['held-out quality', first, { ...first, holdout: first.holdout!.map((h) => (h === held ? { ...h, holdout: { ...h.holdout!, quality: h.holdout!.quality + 0.001 } } : h)) }],
  ];
  for (const [what, base, tweaked] of tweaks) {
    const page = await openPanel();
    await show(page, base, 1);
    const before = await rows(page);
    await page.$$eval('#vertex-table tbody tr', (trs) => trs.forEach((tr, i) => ((tr as HTMLElement & { kept?: number }).kept = i)));
    await show(page, tweaked, 2);
    const after = await rows(page);
    const redrawn = await page.$$eval('#vertex-table tbody tr', (trs) => trs.flatMap((tr, i) => ((tr as HTMLElement & { kept?: number }).kept === undefined ? [i] : [])));
    await page.close();
    const fresh = await openPanel();
    await show(fresh, tweaked, 2);
    const want = await rows(fresh);
    await fresh.close();
    assert.deepEqual(after, want, `${what}: the table reads as a panel that only saw the changed result`);
    assert.notDeepEqual(after, before, `${what}: the change shows in the table`);
    // A latency column appears with the first latency: every row is drawn again under the new columns.
    if (what !== 'latency') assert.deepEqual(redrawn, [at], `${what}: only the changed row is drawn again`);
  }
});
