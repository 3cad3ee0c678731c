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
import { parse as parseYaml } from 'yaml';
import type { AnalysisResult } from '../../src/core/types.ts';
import { showsNumber } from '../extension/numbers.ts';
import { startCodeServer, type CodeServer } from './support/codeServer.ts';
import { analyzeWithCli } from './support/expected.ts';
import { EXAMPLE_WORKSPACE, EXTENSION_VSIX } from './support/paths.ts';
import { killRecordedSync } from './support/processes.ts';
import { closeScenario, scenarioSteps } from './support/steps.ts';
import { waitFor } from './support/wait.ts';
import { notificationToast } from './support/notifications.ts';
import { openWorkbench, type Workbench } from './support/workbench.ts';

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
  evalFiles = readdirSync(join(workspace, 'evals')).map((f) => join(workspace, 'evals', f)).sort();
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
    const lines = readFileSync(join(workspace, 'evals', `${model.name}.jsonl`), 'utf8').split('\n').filter((l) => l.trim() !== '').length;
    assert.ok(row.includes(`jsonl · ${model.name} · ${lines.toLocaleString('en-US')} records`), row);
  }
  assert.ok(!rows.some((r) => /events\.jsonl|prices\.csv/.test(r)), `other data is not listed: ${rows.join(' | ')}`);
  await wb.screenshot('first-02-eval-files-view');
});

step('Create Cascade Config from the offer asks for a budget: each option shows the policy recommended within it, as the CLI computes it', async () => {
  await wb.page.locator('.notification-toast .monaco-button', { hasText: 'Create Cascade Config' }).click();
  const rows = await waitFor('the budget quick pick', async () => {
    const r = await quickPickRows().catch(() => []);
    return r.some((x) => budgetOfLabel(x.label) !== undefined) ? r : false;
  }, { timeoutMs: 60_000 });
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
  const text = await waitFor('cascade.config.yaml to be written', () => {
    try {
      return readFileSync(configPath, 'utf8');
    } catch {
      return false;
    }
  });
  const config = parseYaml(text) as { evals: string[]; split: Record<string, string>; budget: number; cascade: { model: string; threshold?: number }[] };
  assert.deepEqual(config.evals, ['evals/*.jsonl']);
  assert.deepEqual(config.split, { field: 'split', calibration: 'train', holdout: 'test' });
  assert.equal(config.budget, chosen.budget);
  const want = analyzeWithCli(evalFiles, [...SPLIT_FLAGS, '--budget', String(chosen.budget)]).recommendation!.choice!.policy;
  assert.deepEqual(config.cascade.map((s) => s.model), want.models);
  if (want.models.length === 2) assert.equal(config.cascade[0]!.threshold, want.thresholds[0]);
  for (const key of ['evals', 'split', 'budget', 'cascade']) {
    const lines = text.split('\n');
    assert.match(lines[lines.findIndex((l) => l.startsWith(`${key}:`)) - 1] ?? '', /^#/, `a comment above ${key}`);
  }
  // It opens in the editor, and its lenses describe it: the cascade is the recommended one.
  const editor = wb.activeEditor();
  await waitFor('the config in the editor', async () => ((await editor.getAttribute('data-uri')) ?? '').endsWith('cascade.config.yaml'));
  await waitFor('the lenses of the new config', async () => {
    const lenses = (await wb.codeLenses()).map((l) => l.text).join('\n');
    return /This cascade: /.test(lenses) && /Recommended threshold for this budget/.test(lenses) ? lenses : false;
  }, { timeoutMs: 60_000 });
  // A config the extension just wrote for the recommended cascade has no error on it.
  const problems = (await wb.page.locator('#status\\.problems').getAttribute('aria-label').catch(() => null)) ?? '';
  assert.match(problems, /No Problems|^0 errors|Errors: 0/i, `the status bar counts no error: ${problems}`);
  await wb.screenshot('first-04-config');
});
