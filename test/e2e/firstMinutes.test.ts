// The first five minutes of a newcomer, in a real editor and through the UI only: a workspace
// with eval result files and no config (plus other data the extension must leave alone), the
// offer the extension makes on its own, Create Cascade Config from that offer, the budget quick
// pick, the config it writes, the panel, Apply from the panel and Undo. What a person sees at
// each step is checked against the CLI's figures on the same files; screenshots of every step
// go to `.artifacts/e2e/first-*.png`.
import * as assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Frame } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import type { AnalysisResult } from '../../src/core/types.ts';
import { showsNumber } from '../extension/numbers.ts';
import { startCodeServer, type CodeServer } from './support/codeServer.ts';
import { analyzeWithCli } from './support/expected.ts';
import { canvasColours, luminance, panelFrame, waitForQuietPanel } from './support/panel.ts';
import { ARTIFACTS, EXAMPLE_WORKSPACE, EXTENSION_VSIX } from './support/paths.ts';
import { killRecordedSync } from './support/processes.ts';
import { closeScenario, scenarioSteps } from './support/steps.ts';
import { waitFor } from './support/wait.ts';
import { notificationToast, toastsShown } from './support/notifications.ts';
import { openWorkbench, type Workbench } from './support/workbench.ts';
import { appliedConfig } from './support/workspace.ts';

process.on('exit', () => killRecordedSync());

const SPLIT_FLAGS = ['--split-field', 'split', '--calibration', 'train', '--holdout', 'test'];
/** Screenshots the README shows (`npm run test:e2e -- --screenshots-to docs/images` copies them). */
const README_SHOTS = 'readme';

let server: CodeServer;
let wb: Workbench;
let root: string;
let workspace: string;
let evalFiles: string[];
/** The CLI's analysis of the eval files, without a budget. */
let cli: AnalysisResult;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'cascade-e2e-first-ws-'));
  workspace = join(root, 'results');
  mkdirSync(join(workspace, 'evals'), { recursive: true });
  cpSync(join(EXAMPLE_WORKSPACE, 'evals'), join(workspace, 'evals'), { recursive: true });
  // Other data the extension must leave alone: JSON lines without eval fields, an unrelated CSV.
  mkdirSync(join(workspace, 'logs'));
  writeFileSync(join(workspace, 'logs', 'events.jsonl'), '{"ts": 1, "event": "start"}\n{"ts": 2, "event": "stop"}\n');
  writeFileSync(join(workspace, 'prices.csv'), 'id,name,price\n1,widget,2.5\n');
  evalFiles = readdirSync(join(workspace, 'evals'))
    .map((f) => join(workspace, 'evals', f))
    .sort();
  cli = analyzeWithCli(evalFiles, SPLIT_FLAGS);
  server = await startCodeServer({ name: 'first', extensions: [EXTENSION_VSIX] });
  wb = await openWorkbench(server, workspace);
});

after(() => closeScenario(wb, server, root));

/** Runs a step; on failure saves a screenshot, the browser console and the workbench logs. */
const step = scenarioSteps('first', () => wb);

/** `a → b @ t` (or the model alone), as the editor writes a policy. */
function policyShort(policy: { models: readonly string[]; thresholds: readonly (number | null)[] }): string {
  if (policy.models.length === 1) return policy.models[0]!;
  return `${policy.models[0]} @ ${policy.thresholds[0] === null ? '+inf' : String(policy.thresholds[0])} → ${policy.models[1]}`;
}

/** Puts the keyboard focus in the workbench (its active tab), not in the panel's webview, which keeps some keys. */
async function focusWorkbench(): Promise<void> {
  await wb.page.locator('.editor-group-container.active .tab.active').first().click();
  // A click on the panel's tab hands the focus to its webview a moment later, which would close a
  // palette opened in between: wait until the focus stays where it is.
  let last = '';
  await waitFor(
    'the focus to settle',
    async () => {
      const now = await wb.page.evaluate(() => `${document.activeElement?.tagName ?? ''}.${document.activeElement?.className ?? ''}`);
      const settled = now === last;
      last = now;
      return settled;
    },
    { timeoutMs: 5_000, intervalMs: 300 },
  ).catch(() => undefined);
}

/** Runs a palette command with the focus in the workbench. */
async function runCommand(label: string): Promise<void> {
  // The palette of the previous command closes first, or F1 lands while it is still going.
  await wb.page
    .locator('.quick-input-widget')
    .waitFor({ state: 'hidden', timeout: 10_000 })
    .catch(() => undefined);
  await focusWorkbench();
  await wb.runCommand(label);
}

/** The visible notification toast whose message matches, with its buttons. */
const notification = (matches: RegExp) => notificationToast(wb, matches);

/** Rows of the open quick pick: label, description and detail as shown. */
async function quickPickRows(): Promise<{ label: string; description: string; detail: string; focused: boolean; starred: boolean }[]> {
  return wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').evaluateAll((els) =>
    els.map((e) => ({
      label: (e.querySelector('.quick-input-list-label .label-name')?.textContent ?? e.querySelector('.monaco-icon-label')?.textContent ?? '').trim(),
      description: (e.querySelector('.label-description')?.textContent ?? '').trim(),
      detail: (e.querySelector('.quick-input-list-label-meta')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      focused: e.classList.contains('focused'),
      starred: e.querySelector('.label-name .codicon-star-full') !== null,
    })),
  );
}

/** `$0.000274/query ($0.274 per 1k queries)` → 0.000274. */
function budgetOfLabel(label: string): number | undefined {
  const m = /^\$([\d.e-]+)\/query \(\$([\d.e-]+) per 1k queries\)$/.exec(label);
  if (!m) return undefined;
  const perQuery = Number(m[1]);
  assert.ok(Math.abs(Number(m[2]) / 1000 - perQuery) <= 0.005 * perQuery, `${label}: the two figures are the same budget`);
  return perQuery;
}

function significantDigits(x: number): number {
  return x.toExponential().split('e')[0]!.replace(/[-.]/g, '').replace(/0+$/, '').length;
}

let chosen: { budget: number; policy: string } | undefined;

step('in a workspace with only eval files, the extension offers the frontier and a config on its own', async () => {
  const offer = await notification(/eval results for \d+ models found/i);
  // What was found, as the CLI reads the same files: models, queries, files.
  assert.ok(offer.text.includes(`eval results for ${cli.models.length} models found`), offer.text);
  assert.ok(offer.text.includes(`${cli.n.toLocaleString('en-US')} queries in ${evalFiles.length} files`), offer.text);
  assert.deepEqual(offer.buttons, ['Show Cascade Frontier', 'Create Cascade Config']);
  await wb.screenshot('first-01-offer');
  await wb.screenshot(`${README_SHOTS}/first-offer`);
});

step('the Eval Files view lists each eval file with its format, model and records, and nothing else', async () => {
  const header = wb.page.locator('.pane-header', { hasText: /^Eval Files/i }).first();
  await header.waitFor();
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  const pane = wb.page.locator('.pane', { has: header });
  const rows = await waitFor('the Eval Files view to list the files with their records', async () => {
    const r = await pane.locator('.monaco-list-row').evaluateAll((els) => els.map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()));
    return r.filter((t) => / records/.test(t)).length === evalFiles.length ? r : false;
  });
  for (const model of cli.models) {
    const row = rows.find((r) => r.startsWith(`${model.name}.jsonl`));
    assert.ok(row, `a row for ${model.name}.jsonl among ${rows.join(' | ')}`);
    // Records: every line of the file (calibration and holdout).
    const lines = readFileSync(join(workspace, 'evals', `${model.name}.jsonl`), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '').length;
    assert.ok(row.includes(`jsonl · ${model.name} · ${lines.toLocaleString('en-US')} records`), row);
  }
  assert.ok(!rows.some((r) => /events\.jsonl|prices\.csv/.test(r)), `other data is not listed: ${rows.join(' | ')}`);
  await wb.screenshot('first-02-eval-files-view');
});

step('Create Cascade Config from the offer asks for a budget: each option shows the policy recommended within it, as the CLI computes it', async () => {
  await wb.page.locator('.notification-toast .monaco-button', { hasText: 'Create Cascade Config' }).click();
  const rows = await waitFor(
    'the budget quick pick',
    async () => {
      const r = await quickPickRows().catch(() => []);
      return r.some((x) => budgetOfLabel(x.label) !== undefined) ? r : false;
    },
    { timeoutMs: 60_000 },
  );
  await wb.screenshot('first-03-budget-pick');
  await wb.screenshot(`${README_SHOTS}/create-config`);
  const options = rows.filter((r) => budgetOfLabel(r.label) !== undefined);
  assert.ok(options.length >= 3, `several budgets are offered: ${rows.map((r) => r.label).join(' | ')}`);
  let bestGain = -Infinity;
  let best: (typeof options)[number] | undefined;
  for (const o of options) {
    const budget = budgetOfLabel(o.label)!;
    assert.ok(significantDigits(budget) <= 3, `${o.label}: a budget a person can read`);
    const at = analyzeWithCli(evalFiles, [...SPLIT_FLAGS, '--budget', String(budget)]).recommendation!;
    const policy = at.choice!.policy;
    assert.ok(o.description.startsWith(policyShort(policy)), `${o.label}: the CLI recommends ${policyShort(policy)} within it; the pick shows "${o.description}"`);
    assert.ok(showsNumber(o.detail, at.choice!.quality), `${o.label}: in-sample quality ${at.choice!.quality} in "${o.detail}"`);
    assert.ok(showsNumber(o.detail, at.holdout!.quality), `${o.label}: held-out quality ${at.holdout!.quality} in "${o.detail}"`);
    // The verdict on escalating at this budget, as the CLI states it.
    const verdict = at.verdict;
    if (!verdict) assert.doesNotMatch(o.detail, /worth it|escalating/, `${o.label}: no verdict at this budget (${at.reason ?? 'fallback'})`);
    else if (verdict.answer === 'yes') assert.ok(/worth it: /.test(o.detail) && showsNumber(o.detail, verdict.gain!, 100), `${o.label}: worth it by ${verdict.gain! * 100} pts in "${o.detail}"`);
    else assert.match(o.detail, verdict.answer === 'no' ? /not worth it/ : /unclear/, `${o.label}: "${o.detail}"`);
    if (verdict?.answer === 'yes' && verdict.gain! > bestGain) {
      bestGain = verdict.gain!;
      best = o;
    }
  }
  // The option offered first is the one whose cascade credibly gains most over a single model.
  const focused = rows.find((r) => r.focused);
  assert.ok(best && focused && focused.label === best.label, `the focused option is the largest gain: ${focused?.label} vs ${best?.label}`);
  assert.ok(focused.starred && rows.filter((r) => r.starred).length === 1, 'only the largest gain is starred');
  chosen = { budget: budgetOfLabel(focused.label)!, policy: focused.description };
  await wb.page.keyboard.press('Enter');
});

step('the config it writes names the eval files, the split, the budget and the recommended cascade, with comments', async () => {
  assert.ok(chosen, 'a budget was chosen');
  const configPath = join(workspace, 'cascade.config.yaml');
  // Read once it is whole: a file just created can still be empty, or cut short, while the editor writes it.
  const text = await waitFor('cascade.config.yaml to be written', () => {
    try {
      const written = readFileSync(configPath, 'utf8');
      const parsed: unknown = parseYaml(written);
      return typeof parsed === 'object' && parsed !== null && 'cascade' in parsed ? written : false;
    } catch {
      return false;
    }
  });
  const config = parseYaml(text) as { evals: string[]; split: Record<string, string>; budget: number; cascade: { model: string; threshold?: number }[] };
  assert.deepEqual(config.evals, ['evals/*.jsonl']);
  assert.deepEqual(config.split, { field: 'split', calibration: 'train', holdout: 'test' });
  assert.equal(config.budget, chosen.budget);
  const want = analyzeWithCli(evalFiles, [...SPLIT_FLAGS, '--budget', String(chosen.budget)]).recommendation!.choice!.policy;
  assert.deepEqual(
    config.cascade.map((s) => s.model),
    want.models,
  );
  if (want.models.length === 2) assert.equal(config.cascade[0]!.threshold, want.thresholds[0]);
  for (const key of ['evals', 'split', 'budget', 'cascade']) {
    const lines = text.split('\n');
    assert.match(lines[lines.findIndex((l) => l.startsWith(`${key}:`)) - 1] ?? '', /^#/, `a comment above ${key}`);
  }
  // It opens in the editor, and its lenses describe it: the cascade is the recommended one.
  const editor = wb.activeEditor();
  await waitFor('the config in the editor', async () => ((await editor.getAttribute('data-uri')) ?? '').endsWith('cascade.config.yaml'));
  await waitFor(
    'the lenses of the new config',
    async () => {
      const lenses = (await wb.codeLenses()).map((l) => l.text).join('\n');
      return /This cascade: /.test(lenses) && /Recommended threshold for this budget/.test(lenses) ? lenses : false;
    },
    { timeoutMs: 60_000 },
  );
  // A config the extension just wrote for the recommended cascade has no error on it.
  const problems =
    (await wb.page
      .locator('#status\\.problems')
      .getAttribute('aria-label')
      .catch(() => null)) ?? '';
  assert.match(problems, /No Problems|^0 errors|Errors: 0/i, `the status bar counts no error: ${problems}`);
  await wb.screenshot('first-04-config');
});

/** What the panel's headline and action bar show, read through their test hooks. */
async function readHeadline(frame: Frame) {
  return frame.evaluate(() => {
    const rec = document.getElementById('recommendation');
    const action = document.getElementById('vertex-action');
    return {
      figures: document.getElementById('frontier-root')?.dataset.figures ?? '',
      budget: Number(rec?.dataset.budget),
      origin: rec?.dataset.budgetOrigin ?? '',
      models: rec?.dataset.models ?? '',
      threshold: rec?.dataset.threshold ?? '',
      holdoutQuality: Number(rec?.dataset.holdoutQuality),
      verdict: rec?.dataset.verdict ?? '',
      heading: (rec?.querySelector('h2')?.textContent ?? '').trim(),
      atBudget: (document.getElementById('worth-it-at-budget')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      acrossBudgets: (document.getElementById('worth-it-across-budgets')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      text: (rec?.innerText ?? '').replace(/\s+/g, ' '),
      action: { hidden: action?.hidden ?? true, text: (action?.innerText ?? '').replace(/\s+/g, ' ').trim(), models: action?.dataset.models ?? '', threshold: action?.dataset.threshold ?? '' },
    };
  });
}

let configBeforeApply: string | undefined;

step('the panel leads with the recommendation at the budget, as the CLI computes it, held out by default, each "worth it?" labelled', async () => {
  assert.ok(chosen, 'a budget was chosen');
  // The chart button in the config's title bar.
  await wb.page.locator('.editor-group-container.active .editor-actions .action-label[aria-label*="Show Cascade Frontier"]').first().click();
  const want = analyzeWithCli(evalFiles, [...SPLIT_FLAGS, '--budget', String(chosen.budget), '--bootstrap', '200']).recommendation!;
  const frame = await panelFrame(wb, 60_000);
  const h = await waitFor(
    'the headline at the config budget',
    async () => {
      const x = await readHeadline(frame).catch(() => undefined);
      return x && x.models !== '' ? x : false;
    },
    { timeoutMs: 60_000 },
  );
  assert.equal(h.figures, 'held-out', 'held-out figures by default');
  assert.equal(h.origin, 'config');
  assert.equal(h.budget, chosen.budget);
  assert.match(h.heading, /^Recommended at your budget/);
  assert.equal(h.models, want.choice!.policy.models.join(','));
  if (want.choice!.policy.models.length === 2) assert.equal(Number(h.threshold), want.choice!.policy.thresholds[0]);
  assert.ok(Math.abs(h.holdoutQuality - want.holdout!.quality) < 1e-9, `held-out quality ${h.holdoutQuality} vs the CLI's ${want.holdout!.quality}`);
  assert.equal(h.verdict, want.verdict!.answer);
  assert.match(h.atBudget, /^(Yes|No|Unclear): /);
  assert.match(h.text, /Is escalation worth it at your budget\?/);
  assert.match(h.text, /Is escalation worth it across all budgets\?/);
  // The action stays in view with the recommended policy, ready to apply.
  assert.equal(h.action.hidden, false);
  assert.match(h.action.text, /^Recommended: /);
  await wb.screenshot('first-05-panel');
  await frame.locator('#recommendation').scrollIntoViewIfNeeded();
  await wb.screenshot('first-05b-headline');
});

step('Apply from the panel writes the selected vertex into the config, and Undo takes it back', async () => {
  const configPath = join(workspace, 'cascade.config.yaml');
  configBeforeApply = readFileSync(configPath, 'utf8');
  const frame = await panelFrame(wb);
  // Another policy than the configured one: the dearest envelope vertex, picked with the mouse.
  const rows = frame.locator('table#vertex-table tbody tr');
  const last = rows.last();
  await last.scrollIntoViewIfNeeded();
  await last.click();
  const picked = await waitFor('the action bar to show the selected vertex', async () => {
    const h = await readHeadline(frame);
    return /^Selected vertex/.test(h.action.text) ? h.action : false;
  });
  // The action bar is in view even with the table scrolled to its end.
  const apply = frame.locator('#apply-policy');
  assert.ok(await apply.isVisible(), 'Apply is in view');
  await apply.click();
  const written = await appliedConfig(configPath, configBeforeApply, picked);
  // The comments of the file are kept.
  for (const line of configBeforeApply.split('\n').filter((l) => l.startsWith('#'))) assert.ok(written.includes(line), `kept: ${line}`);
  const undo = frame.locator('#undo-apply');
  await waitFor('Undo to be offered', async () => await undo.isVisible());
  await wb.screenshot('first-06-applied');
  await undo.click();
  // The panel's word first, so that an undo refused says why. The panel gives up on the host after
  // 30 s and says so: wait longer than that, so that a slow host and a lost answer read apart.
  const barShown = async () =>
    `the action bar: "${(await readHeadline(frame)).action.text}"; the panel: ${await frame.evaluate(() => document.getElementById('frontier-root')?.dataset.status ?? '?')}; ${await toastsShown(wb)}`;
  const said = await waitFor(
    'the panel to answer the undo',
    async () => {
      const m = ((await frame.locator('#action-message').textContent()) ?? '').trim();
      return /^(Took it back|Could not undo|Nothing to undo)/.test(m) || /no answer within|channel (is closed|closed before)/.test(m) ? m : false;
    },
    { timeoutMs: 45_000, describe: barShown },
  );
  assert.match(said, /^Took it back/);
  await waitFor('the config to be as before', () => readFileSync(configPath, 'utf8') === configBeforeApply, {
    describe: async () => `the config: ${JSON.stringify(readFileSync(configPath, 'utf8'))}; ${await barShown()}`,
  });
  await wb.screenshot('first-07-undone');
});

step('keyboard only: the panel is crossed with Tab, tables are one tab stop with arrow keys, the slider speaks dollars', async () => {
  const frame = await panelFrame(wb);
  // Wait for the comparison, so that its checkboxes are enabled, and for the recompute after the
  // undo to be over: the tab stops read are those of the panel's last result.
  await waitForQuietPanel(frame, 90_000);
  await frame.locator('#status').click();
  const stops: string[] = [];
  for (let i = 0; i < 60; i++) {
    await wb.page.keyboard.press('Tab');
    const id = await frame.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      if (!a || a === document.body) return '';
      const row = a.closest('tr');
      const table = a.closest('table');
      return row && table ? `${table.id}:row` : a.id || a.tagName.toLowerCase();
    });
    if (id === '') break;
    stops.push(id);
  }
  // Each table is one stop, however many rows it has.
  const rowStops = (table: string) => stops.filter((s) => s === `${table}:row`).length;
  assert.equal(rowStops('vertex-table'), 1, `one stop in the vertex table: ${stops.join(' ')}`);
  assert.ok(rowStops('comparison-table') <= 1);
  // The Compare checkboxes and the slider are reachable.
  for (const id of ['toggle-fullChain', 'toggle-bestSubsequence', 'toggle-router', 'toggle-bound', 'budget-slider', 'apply-policy'])
    assert.ok(stops.includes(id), `${id} is reachable with Tab: ${stops.join(' ')}`);
  // Arrow keys move within the vertex table; Enter selects the focused row.
  await frame.locator('table#vertex-table tbody tr[tabindex="0"]').focus();
  await wb.page.keyboard.press('Home');
  await wb.page.keyboard.press('ArrowDown');
  await wb.page.keyboard.press('ArrowDown');
  await wb.page.keyboard.press('Enter');
  const selected = await frame.evaluate(() => document.querySelector('table#vertex-table tbody tr.selected')?.getAttribute('data-index'));
  assert.equal(selected, '2', 'the third row is selected from the keyboard');
  assert.equal(await frame.evaluate(() => document.querySelectorAll('table#vertex-table tbody tr[tabindex="0"]').length), 1);
  // The slider says what it is worth in dollars, and moves with the arrow keys.
  const slider = frame.locator('#budget-slider');
  const before = await slider.getAttribute('aria-valuetext');
  assert.match(before ?? '', /^\$[\d.]+\/query \(\$[\d.]+ per 1k queries\)$/);
  await slider.focus();
  await wb.page.keyboard.press('ArrowLeft');
  await waitFor('the slider to announce the new budget', async () => (await slider.getAttribute('aria-valuetext')) !== before);
  // The headline follows: the recommendation at the new budget, said to be the panel's, not the config's.
  let last = '';
  await waitFor('the recommendation at the new budget', async () => {
    const h = await readHeadline(frame);
    last = h.text;
    return h.origin === 'panel' && h.models !== '';
  }).catch((e: Error) => assert.fail(`${e.message}\n${last}`));
  await wb.screenshot('first-08-keyboard');
});

/** WCAG contrast ratio of two colours. */
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

step('at 900 x 700 beside the Explorer (a panel under 300 px) the layout is compact: the action bar never covers the chart, the comparison stacks', async () => {
  await wb.page.setViewportSize({ width: 900, height: 700 });
  const frame = await panelFrame(wb);
  await waitFor('the panel in its narrow layout', async () => await frame.evaluate(() => window.innerWidth <= 560 && document.getElementById('frontier-root')!.classList.contains('narrow')));
  await frame.evaluate(() => window.scrollTo(0, 0));
  const overlaps = await frame.evaluate(async () => {
    const bar = document.getElementById('vertex-action')!;
    const chart = document.getElementById('chart-container')!;
    const seen: { y: number; overlap: number; barHeight: number }[] = [];
    const max = document.documentElement.scrollHeight - window.innerHeight;
    for (let y = 0; y <= max; y += 40) {
      window.scrollTo(0, y);
      await new Promise((r) => requestAnimationFrame(() => r(undefined)));
      const b = bar.getBoundingClientRect();
      const c = chart.getBoundingClientRect();
      // Only the parts inside the viewport count.
      const top = Math.max(b.top, c.top, 0);
      const bottom = Math.min(b.bottom, c.bottom, window.innerHeight);
      seen.push({ y, overlap: Math.max(0, bottom - top), barHeight: b.height });
    }
    window.scrollTo(0, 0);
    return { seen, width: window.innerWidth, height: window.innerHeight, scrollWidth: document.documentElement.scrollWidth, hidden: bar.hidden };
  });
  assert.equal(overlaps.hidden, false, 'the action bar is shown');
  assert.ok(overlaps.width < 300, `the panel is ${overlaps.width} px wide`);
  assert.ok(overlaps.scrollWidth <= overlaps.width + 1, `the page is ${overlaps.scrollWidth} px wide in a ${overlaps.width} px panel`);
  const covering = overlaps.seen.filter((s) => s.overlap > 0);
  assert.deepEqual(covering, [], 'the action bar covers no part of the chart at any scroll position');
  const barHeight = Math.max(...overlaps.seen.map((s) => s.barHeight));
  assert.ok(barHeight <= overlaps.height * 0.2, `the action bar is ${barHeight} px high in a ${overlaps.height} px panel`);
  // The action bar sits right under the chart, in the focus order too.
  assert.equal(await frame.evaluate(() => document.getElementById('chart-container')!.nextElementSibling?.id), 'vertex-action');
  await wb.screenshot('first-09a-900x700-beside-explorer');
  await frame.locator('#chart-container').evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await wb.screenshot('first-09b-narrow-chart');
  // The comparison: one block per family, no sideways scrolling, still one tab stop with arrow keys.
  await waitFor('the comparison', async () => (await frame.evaluate(() => document.getElementById('frontier-root')?.dataset.comparisonStatus)) === 'ready', { timeoutMs: 90_000 });
  const table = await frame.evaluate(() => {
    const box = document.querySelector('#comparison .table-scroll') as HTMLElement;
    const rows = [...document.querySelectorAll('table#comparison-table tbody tr')] as HTMLElement[];
    const labels = [...rows[0]!.querySelectorAll('td')].map((td) => getComputedStyle(td, '::before').content);
    return { overflow: box.scrollWidth - box.clientWidth, display: getComputedStyle(rows[0]!).display, stops: rows.filter((r) => r.tabIndex === 0).length, rows: rows.length, labels };
  });
  assert.ok(table.overflow <= 1, `the comparison box scrolls sideways by ${table.overflow} px`);
  assert.equal(table.display, 'block', 'a family is a block of lines');
  assert.deepEqual(table.labels, ['"Area"', '"vs envelope"', '"AIQ"', '"APGR"', '"In-sample area"'], 'each figure after its column name');
  assert.equal(table.stops, 1, 'one tab stop in the comparison table');
  const first = frame.locator('table#comparison-table tbody tr[tabindex="0"]');
  await first.focus();
  await wb.page.keyboard.press('Home');
  await wb.page.keyboard.press('ArrowDown');
  assert.equal(await frame.evaluate(() => [...document.querySelectorAll('table#comparison-table tbody tr')].indexOf(document.activeElement as HTMLElement)), 1, 'ArrowDown moves to the second family');
  await frame.locator('#comparison').evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await wb.screenshot('first-09c-narrow-comparison');
  // Nothing in the panel keeps the focus for the commands that follow.
  await frame.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
});

step('at 900 x 700 the chart keeps its height and nothing overflows sideways', async () => {
  // The panel alone in the window.
  await runCommand('View: Toggle Maximize Editor Group');
  await runCommand('View: Toggle Primary Side Bar Visibility');
  const frame = await panelFrame(wb);
  const layout = await waitFor('the panel at its new size', async () => {
    const l = await frame.evaluate(() => {
      const chart = document.getElementById('chart-container')!.getBoundingClientRect();
      return { chartTop: chart.top, chartHeight: chart.height, viewport: window.innerHeight, scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth };
    });
    return l.width < 900 ? l : false;
  });
  assert.ok(layout.chartHeight >= 280, `the chart is ${layout.chartHeight} px high`);
  assert.ok(layout.chartTop < layout.viewport / 2, `the controls above the chart take ${layout.chartTop} of ${layout.viewport} px`);
  assert.ok(layout.scrollWidth <= layout.width + 1, `the page is ${layout.scrollWidth} px wide in a ${layout.width} px panel`);
  await wb.screenshot('first-09-900x700');
  // The comparison fits its box here too: its cells wrap instead of scrolling sideways.
  const comparison = await frame.evaluate(() => {
    const box = document.querySelector('#comparison .table-scroll') as HTMLElement;
    box.scrollIntoView({ block: 'start' });
    return { overflow: box.scrollWidth - box.clientWidth, width: box.clientWidth };
  });
  assert.ok(comparison.overflow <= 1, `the comparison box (${comparison.width} px) scrolls sideways by ${comparison.overflow} px`);
  await wb.screenshot('first-09d-900x700-comparison');
  await wb.screenshot(`${README_SHOTS}/panel-narrow`);
  await runCommand('View: Toggle Primary Side Bar Visibility');
  await runCommand('View: Toggle Maximize Editor Group');
  await wb.page.setViewportSize({ width: 1600, height: 1000 });
});

/**
 * Runs the palette command `command`, then picks the row of the menu it opens whose label starts
 * with `label` (typed into its filter, then Enter). Now and then the editor hides a menu that an
 * extension opens as the palette closes (seen in full real-editor runs: the menu's placeholder
 * set, the widget hidden, nothing else on the screen), before it shows or just after: when no
 * menu shows within 10 s, or the one shown is gone before the label can be typed into it (5 s),
 * the command runs again, three times in all.
 */
async function pickFromCommand(command: string, label: string): Promise<void> {
  const input = wb.page.locator('.quick-input-widget input.input');
  for (let attempt = 1; ; attempt++) {
    await runCommand(command);
    const typed = await input
      .waitFor({ state: 'visible', timeout: 10_000 })
      .then(() => input.fill(label, { timeout: 5_000 }))
      .then(
        () => true,
        () => false,
      );
    if (typed) break;
    assert.ok(attempt < 3, `${command} showed no menu to type "${label}" into in ${attempt} tries`);
  }
  await waitFor(`a quick pick row "${label}"`, async () => (await quickPickRows()).some((r) => r.label.startsWith(label) && r.focused));
  await wb.page.keyboard.press('Enter');
}

/** Width and height of a PNG file, from its header. */
function pngSize(path: string): { width: number; height: number } {
  const b = readFileSync(path);
  assert.equal(b.subarray(1, 4).toString('latin1'), 'PNG', `${path} is a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

step('exports land in .cascade/, are offered to open, and are never read as eval data', async () => {
  await pickFromCommand('Cascade Frontier: Export Frontier', 'JSON');
  const json = join(workspace, '.cascade', 'frontier.json');
  const exported = await waitFor(
    '.cascade/frontier.json',
    () => {
      try {
        return JSON.parse(readFileSync(json, 'utf8')) as AnalysisResult & { files?: { file: string }[] };
      } catch {
        return false;
      }
    },
    { describe: () => toastsShown(wb) },
  );
  // The same object as `analyze --json`: the result and the files read.
  assert.deepEqual(
    exported.models.map((m) => m.name),
    cli.models.map((m) => m.name),
  );
  assert.deepEqual((exported.files ?? []).map((f) => f.file).sort(), evalFiles);
  // The whole analysis: the budget grid's picks, computed after the result, are in it.
  assert.ok((exported.budgetPicks?.length ?? 0) > 0, 'the export holds the budget grid');
  const offer = await notification(/exported \.cascade\/frontier\.json/);
  assert.deepEqual(offer.buttons, ['Open', 'Reveal in Explorer']);
  await pickFromCommand('Cascade Frontier: Export Frontier', 'PNG');
  const png = join(workspace, '.cascade', 'frontier.png');
  const size = await waitFor(
    '.cascade/frontier.png',
    () => {
      try {
        return pngSize(png);
      } catch {
        return false;
      }
    },
    { describe: () => toastsShown(wb) },
  );
  // Twice the export's CSS size, with the title and the legend drawn in.
  assert.deepEqual(size, { width: 2200, height: 1440 });
  cpSync(png, join(ARTIFACTS, 'first-10-export.png'));
  // Nothing under .cascade/ is read as eval data: still four files, and no problem about them.
  await wb.page.waitForTimeout(1500);
  const status =
    (await wb.page
      .locator('#status\\.problems')
      .getAttribute('aria-label')
      .catch(() => null)) ?? '';
  assert.match(status, /No Problems|^0 errors|Errors: 0/i, status);
  const view = wb.page.locator('.pane', { has: wb.page.locator('.pane-header', { hasText: /^Eval Files/i }) });
  const rows = await view.locator('.monaco-list-row').evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
  assert.ok(!rows.some((r) => /frontier\.(json|png)/.test(r)), `the exports are not eval files: ${rows.join(' | ')}`);
  await wb.screenshot('first-11-exported');
});

/** The lenses over the config, in the editor whichever group is active. */
async function configLenses(): Promise<string[]> {
  return wb.page.locator('.monaco-editor[data-uri$="cascade.config.yaml"] .codelens-decoration').evaluateAll((els) => els.map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()));
}

/** What the panel says about the analysis, the problems and the action, in one round trip. */
/**
 * A budget just below one of `costs` whose nearest three-digit rounding lies above that cost, and
 * whose rounding down, allowing the same policies, lies more than 0.5% below it (the largest such gap).
 */
function roundedAwayBudget(costs: readonly number[]): number {
  let best: { budget: number; gap: number } | undefined;
  for (const c of costs) {
    const budget = c * (1 - 1e-9);
    const unit = 10 ** (Math.floor(Math.log10(budget)) - 2);
    const nearest = Math.round(budget / unit) * unit;
    const down = Math.floor(budget / unit) * unit;
    const gap = (budget - down) / budget;
    const downAllowsTheSame = !costs.some((o) => o > down && o <= budget);
    if (nearest >= c && downAllowsTheSame && gap > 0.005 && (!best || gap > best.gap)) best = { budget, gap };
  }
  assert.ok(best, 'some policy cost lets a typed budget be written rounded down by more than 0.5%');
  return best.budget;
}

async function readStale(frame: Frame) {
  return frame.evaluate(() => {
    const apply = document.getElementById('apply-policy') as (HTMLElement & { disabled?: boolean }) | null;
    const bar = document.getElementById('vertex-action');
    return {
      status: document.getElementById('frontier-root')?.dataset.status ?? '',
      statusText: (document.getElementById('status')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      problems: (document.getElementById('problem-count')?.textContent ?? '').trim(),
      configErrors: Number(document.getElementById('problem-count')?.dataset.configErrors ?? 0),
      applyOffered: !!apply && !bar?.hidden && !apply.disabled && !apply.hasAttribute('disabled'),
      budgetMessage: (document.getElementById('budget-message')?.textContent ?? '').trim(),
    };
  });
}

let goodConfig: string | undefined;

step('after a config error (a glob that matches nothing, a model name typo) nothing says "No problems", nothing applies the earlier result, and no lens stays "analysing"', async () => {
  const configPath = join(workspace, 'cascade.config.yaml');
  goodConfig = readFileSync(configPath, 'utf8');
  // The export offers are done with: they would cover the panel in the screenshots.
  await runCommand('Notifications: Clear All Notifications');
  const frame = await panelFrame(wb);
  await waitFor('the panel at the good config', async () => (await readStale(frame)).status === 'idle');
  // A glob that matches nothing.
  assert.match(goodConfig, /- evals\/\*\.jsonl/);
  writeFileSync(configPath, goodConfig.replace('- evals/*.jsonl', '- evals/*.jsnol'));
  let last: unknown;
  const globError = await waitFor(
    'the panel to report the glob error',
    async () => {
      const x = await readStale(frame);
      last = x;
      return x.status === 'error' || x.configErrors > 0 ? x : false;
    },
    { timeoutMs: 60_000 },
  ).catch((e: Error) => assert.fail(`${e.message}: ${JSON.stringify(last)}`));
  assert.notEqual(globError.problems, 'No problems', JSON.stringify(globError));
  // The lenses settle on the error: none stays "analysing", none offers to apply the earlier result.
  const lenses = await waitFor(
    'the lenses to settle on the error',
    async () => {
      const l = await configLenses();
      return l.length > 0 && !l.some((t) => /analysing/i.test(t)) ? l : false;
    },
    { timeoutMs: 30_000 },
  );
  await wb.page.waitForTimeout(2000);
  const after = await configLenses();
  assert.ok(!after.some((t) => /analysing/i.test(t)), `no lens stays analysing: ${after.join(' | ')}`);
  assert.ok(!after.some((t) => /\bApply\b|\bSwitch\b/.test(t)), `no lens applies the earlier result: ${after.join(' | ')} (first seen: ${lenses.join(' | ')})`);
  const panel = await readStale(frame);
  assert.notEqual(panel.problems, 'No problems', JSON.stringify(panel));
  assert.equal(panel.applyOffered, false, `the panel offers no Apply from the earlier result: ${JSON.stringify(panel)}`);
  await wb.screenshot('first-12-glob-error');

  // A typo in a model name of the cascade.
  const firstModel = /- model: (\S+)/.exec(goodConfig)![1]!;
  writeFileSync(configPath, goodConfig.replace(`- model: ${firstModel}`, `- model: ${firstModel.slice(0, -1)}x`));
  const typo = await waitFor(
    'the panel to count the config error',
    async () => {
      const x = await readStale(frame);
      last = x;
      return x.status !== 'computing' && x.configErrors > 0 ? x : false;
    },
    { timeoutMs: 60_000 },
  ).catch((e: Error) => assert.fail(`${e.message}: ${JSON.stringify(last)}`));
  assert.notEqual(typo.problems, 'No problems', JSON.stringify(typo));
  const typoLenses = await waitFor(
    'the lenses to say the cascade is not analysed',
    async () => {
      const l = await configLenses();
      return l.some((t) => /not analysed/.test(t)) ? l : false;
    },
    { timeoutMs: 30_000 },
  );
  await wb.page.waitForTimeout(2000);
  const typoAfter = await configLenses();
  assert.ok(!typoAfter.some((t) => /analysing this cascade/.test(t)), `no lens stays analysing: ${typoAfter.join(' | ')} (first seen: ${typoLenses.join(' | ')})`);
  await wb.screenshot('first-13-model-typo');

  // Back to the good config: no problem again.
  writeFileSync(configPath, goodConfig);
  await waitFor(
    'the panel to be back to no problem',
    async () => {
      const x = await readStale(frame);
      return x.status === 'idle' && x.problems === 'No problems';
    },
    { timeoutMs: 60_000 },
  );
});

step('"Saved…" under the budget goes once the config changes', async () => {
  const configPath = join(workspace, 'cascade.config.yaml');
  const frame = await panelFrame(wb);
  // A budget typed just below a policy's cost: three digits rounded to the nearest would allow
  // that policy too, so the config gets it rounded down, more than 0.5% away from what was typed.
  const typed = roundedAwayBudget([...cli.envelope.map((v) => v.cost), ...cli.models.map((m) => m.cost)]);
  const field = frame.locator('#budget-input input');
  await field.scrollIntoViewIfNeeded();
  await field.fill(String(typed));
  await field.press('Tab');
  // Every text the message takes, however briefly: a poll could miss one.
  await frame.evaluate(() => {
    const target = document.getElementById('budget-message')!;
    const seen: string[] = [];
    (window as unknown as { budgetMessages: string[] }).budgetMessages = seen;
    new MutationObserver(() => seen.push((target.textContent ?? '').trim())).observe(target, { childList: true, characterData: true, subtree: true });
  });
  await frame.locator('#save-budget').click();
  const messages = () => frame.evaluate(() => (window as unknown as { budgetMessages: string[] }).budgetMessages);
  await waitFor('"Saved…" to be shown', async () => (await messages()).some((m) => /^Saved budget/.test(m))).catch(async (e: Error) =>
    assert.fail(`${e.message}: the message said ${JSON.stringify(await messages())}`),
  );
  const saved = await waitFor('the saved config', () => {
    const now = readFileSync(configPath, 'utf8');
    return now !== goodConfig && now.trim() !== '' ? now : false;
  });
  const written = Number(/^budget: (\S+)/m.exec(saved)![1]);
  assert.ok(Math.abs(written - typed) > 0.005 * typed, `the budget is written rounded (${typed} -> ${written})`);
  await wb.screenshot('first-14-saved');
  // Another edit of the config: a new budget.
  const budget = /^budget: (\S+)/m.exec(saved)![1]!;
  writeFileSync(configPath, saved.replace(`budget: ${budget}`, `budget: ${Number(budget) * 2}`));
  await waitFor(
    '"Saved…" to go',
    async () => {
      const x = await readStale(frame);
      return x.status === 'idle' && !/Saved/.test(x.budgetMessage);
    },
    { timeoutMs: 60_000 },
  );
  assert.doesNotMatch((await readStale(frame)).budgetMessage, /Saved/);
});

step('in a dark theme the panel reads: text, legend and labels in contrast, the action bar distinct', async () => {
  await wb.setColorTheme('Dark Modern');
  const frame = await panelFrame(wb);
  const look = await waitFor(
    'the panel in the dark theme',
    async () => {
      const x = await frame.evaluate(() => {
        const chart = document.getElementById('chart-container')!;
        const bar = document.getElementById('vertex-action')!;
        const policy = bar.querySelector('.selected-policy');
        const headline = document.querySelector('#recommendation h2');
        // The first opaque background from each element up (no named helper: the page runs this as is).
        const [barBackground, headlineBackground] = [bar, headline].map((e) => {
          for (let n: Element | null = e; n; n = n.parentElement) {
            const c = getComputedStyle(n).backgroundColor;
            if (c && c !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(c)) return c;
          }
          return getComputedStyle(document.body).backgroundColor;
        });
        return {
          dark: document.body.classList.contains('vscode-dark'),
          kind: chart.dataset.themeKind ?? '',
          background: chart.dataset.backgroundColor ?? '',
          foreground: chart.dataset.foregroundColor ?? '',
          labels: (chart.dataset.labelColors ?? '').split(';').filter(Boolean),
          barHidden: bar.hidden,
          barText: policy ? getComputedStyle(policy).color : '',
          barBackground: barBackground!,
          pageBackground: getComputedStyle(document.body).backgroundColor,
          barBorder: getComputedStyle(bar).borderTopColor,
          headlineText: headline ? getComputedStyle(headline).color : '',
          headlineBackground: headlineBackground!,
        };
      });
      return x.dark && x.kind === 'dark' && x.labels.length > 0 ? x : false;
    },
    { timeoutMs: 30_000 },
  );
  assert.ok(luminance(look.background) < 0.2, `a dark chart background: ${look.background}`);
  // Text: at least 4.5:1 (WCAG AA for body text); the labels on the plot at least 3:1 (bold or large marks).
  assert.ok(contrast(look.foreground, look.background) >= 4.5, `legend and axis text ${look.foreground} on ${look.background}: ${contrast(look.foreground, look.background).toFixed(2)}`);
  for (const c of look.labels) assert.ok(contrast(c, look.background) >= 3, `label colour ${c} on ${look.background}: ${contrast(c, look.background).toFixed(2)}`);
  assert.ok(contrast(look.headlineText, look.headlineBackground) >= 4.5, `headline ${look.headlineText} on ${look.headlineBackground}`);
  assert.equal(look.barHidden, false);
  assert.ok(contrast(look.barText, look.barBackground) >= 4.5, `action bar text ${look.barText} on ${look.barBackground}`);
  assert.ok(contrast(look.barBorder, look.pageBackground) >= 1.5, `the action bar's border ${look.barBorder} stands out from ${look.pageBackground}`);
  const paint = await canvasColours(frame);
  assert.ok(luminance(paint.corner) < 0.2, `the canvas corner is dark: rgba(${paint.corner.join(', ')})`);
  await frame.locator('#chart-container').evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await wb.screenshot('first-15-dark');
  await frame.locator('#recommendation').evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await wb.screenshot('first-15b-dark-headline');
});
