// Eval results without any logged confidence, in a real editor and through the UI only: the
// notification that says what is missing and offers a learned confidence, the status bar, the
// panel's diagnosis (the exact step per harness, the single models, the button), and the
// learned confidence it asks for, written into the config and shown as the CLI computes it with
// `--confidence learned`. Screenshots go to `.artifacts/e2e/noconf-*.png`.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { AnalysisResult } from '../../src/core/types.ts';
import { answerDataset } from '../support/answers.ts';
import { startCodeServer, type CodeServer } from './support/codeServer.ts';
import { analyzeWithCli } from './support/expected.ts';
import { panelFrame, waitForPanel } from './support/panel.ts';
import { EXTENSION_VSIX } from './support/paths.ts';
import { killRecordedSync } from './support/processes.ts';
import { closeScenario, scenarioSteps } from './support/steps.ts';
import { waitFor } from './support/wait.ts';
import { notificationToast } from './support/notifications.ts';
import { openWorkbench, type Workbench } from './support/workbench.ts';

process.on('exit', () => killRecordedSync());

const FLAGS = ['--split-field', 'split', '--calibration', 'train', '--holdout', 'test'];

let server: CodeServer;
let wb: Workbench;
let root: string;
let evalFiles: string[];
let cli: AnalysisResult;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'cascade-e2e-noconf-ws-'));
  mkdirSync(join(root, 'evals'));
  // Three models' answers, as a harness export without confidence gives them: prompt, answer, correctness, cost.
  const n = 300;
  const ds = answerDataset(n, { calibration: n / 2 });
  evalFiles = ds.models.map((m) => {
    const file = join(root, 'evals', `${m.name}.jsonl`);
    const lines = ds.ids.map((id, i) => JSON.stringify({ id, split: i < n / 2 ? 'train' : 'test', correct: m.quality[i], cost: m.cost[i], prompt: ds.prompts![i], response: m.responses![i] }));
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  });
  writeFileSync(join(root, 'cascade.config.yaml'), 'evals: [evals/*.jsonl]\nsplit: {field: split, calibration: train, holdout: test}\nbudget: 0.0004\n');
  cli = analyzeWithCli(evalFiles, FLAGS);
  server = await startCodeServer({ name: 'noconf', extensions: [EXTENSION_VSIX] });
  wb = await openWorkbench(server, root);
});

after(() => closeScenario(wb, server, root));

/** Runs a step; on failure saves a screenshot, the browser console and the workbench logs. */
const step = scenarioSteps('noconf', () => wb);

/** The visible notification toast whose message matches, with its buttons. */
const notification = (matches: RegExp) => notificationToast(wb, matches);

/** The panel's diagnosis: its text, the harness of each step, whether it offers the button. */
async function diagnosis(): Promise<{ text: string; harnesses: string[]; button: boolean } | undefined> {
  return (await panelFrame(wb)).evaluate(() => {
    const d = document.getElementById('diagnosis');
    if (!d || d.hidden) return undefined;
    return {
      text: (d.innerText || d.textContent || '').replace(/\s+/g, ' ').trim(),
      harnesses: [...d.querySelectorAll<HTMLElement>('li[data-harness]')].map((li) => li.dataset.harness ?? ''),
      button: d.querySelector('#use-learned-confidence') !== null,
    };
  });
}

step('eval results without a confidence: the extension says so once and offers a learned confidence', async () => {
  assert.deepEqual(cli.diagnosis?.withoutConfidence, ['cheap', 'mid', 'strong']);
  const offer = await notification(/has a confidence, so no cascade can be computed/);
  assert.deepEqual(offer.buttons, ['Use a Learned Confidence', 'Show Details']);
  // The status bar says it too.
  const status = await waitFor('the status bar to say there is no confidence', async () => {
    const texts = await wb.page.locator('.statusbar-item').evaluateAll((els) => els.map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()));
    return texts.find((t) => / models · [\d,]+ queries · no confidence/.test(t)) ?? false;
  });
  assert.match(status, new RegExp(`${cli.models.length} models · ${cli.n} queries · no confidence`));
  await wb.screenshot('noconf-01-offer');
});

step('Show Details opens the panel: the diagnosis first, with the step per harness, and the single models as the CLI computes them', async () => {
  await wb.page.locator('.notification-toast .monaco-button', { hasText: 'Show Details' }).click();
  const s = await waitForPanel(wb, 'the single models the CLI computes', (p) => p.rows.length === cli.envelope.length && p.rows.length > 0, { timeoutMs: 90_000 });
  assert.deepEqual(
    s.rows.map((r) => r.models),
    cli.envelope.map((v) => v.policy.models.join(',')),
  );
  for (const [i, row] of s.rows.entries()) assert.ok(Math.abs(row.quality - cli.envelope[i]!.quality) < 1e-9, `row ${i}`);
  const d = await waitFor('the diagnosis', diagnosis);
  assert.match(d.text, /^Confidence missing No model has a confidence, so no cascade can be computed/);
  assert.deepEqual(d.harnesses, ['JSONL or CSV records']);
  assert.ok(d.text.includes('add a numeric confidence field to each record'), d.text);
  assert.ok(d.button, 'the panel offers a learned confidence');
  // It comes before the chart: the first thing read below the header.
  const order = await (
    await panelFrame(wb)
  ).evaluate(() => {
    const a = document.getElementById('diagnosis')!;
    const b = document.getElementById('chart-container')!;
    return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING;
  });
  assert.ok(order, 'the diagnosis precedes the chart');
  await wb.screenshot('noconf-02-panel');
});

step('in a dark theme and a narrow window the diagnosis still reads: no text cut off, the button in view', async () => {
  await wb.setColorTheme('Dark Modern');
  await wb.page.setViewportSize({ width: 760, height: 900 });
  const fits = await waitFor('the diagnosis to fit the narrow panel', async () => {
    const r = await (
      await panelFrame(wb)
    ).evaluate(() => {
      const d = document.getElementById('diagnosis')!;
      const b = document.getElementById('use-learned-confidence')!.getBoundingClientRect();
      return { overflow: d.scrollWidth - d.clientWidth, buttonRight: b.right, width: document.documentElement.clientWidth, dark: document.body.classList.contains('vscode-dark') };
    });
    return r.dark && r.overflow <= 0 && r.buttonRight <= r.width ? r : false;
  });
  assert.ok(fits.dark);
  await wb.screenshot('noconf-02b-dark-narrow');
  await wb.page.setViewportSize({ width: 1600, height: 1000 });
});

step('the panel button asks for a learned confidence: the config gets `confidence: learned` and the panel shows the learned cascade frontier the CLI computes', async () => {
  const expected = analyzeWithCli(evalFiles, [...FLAGS, '--confidence', 'learned']);
  assert.ok(
    expected.envelope.some((v) => v.policy.kind === 'pair'),
    'the CLI finds cascades on the learned confidence',
  );
  const frame = await panelFrame(wb);
  // Keyboard only: focus the button and press Enter.
  await frame.focus('#use-learned-confidence');
  await wb.page.keyboard.press('Enter');
  const text = await waitFor('the config to ask for a learned confidence', () => {
    const t = readFileSync(join(root, 'cascade.config.yaml'), 'utf8');
    return /^confidence: learned$/m.test(t) ? t : false;
  });
  assert.match(text, /^budget: 0.0004$/m, 'the rest of the config is kept');
  const s = await waitForPanel(wb, 'the learned cascade frontier', (p) => p.rows.length === expected.envelope.length && p.rows.some((r) => r.models.includes(',')), { timeoutMs: 90_000 });
  for (const [i, row] of s.rows.entries()) {
    const v = expected.envelope[i]!;
    assert.equal(row.models, v.policy.models.join(','), `row ${i}`);
    assert.ok(Math.abs(row.cost - v.cost) < 1e-12 && Math.abs(row.quality - v.quality) < 1e-9, `row ${i}: ${row.text}`);
  }
  const d = await waitFor('the diagnosis of the learned confidence', async () => {
    const x = await diagnosis();
    return x && /Learned confidence \(not logged\)/.test(x.text) ? x : false;
  });
  for (const m of expected.models) assert.ok(d.text.includes(`${m.name} ${m.learnedConfidence!.auroc!.toFixed(2)}`), `${m.name}'s held-out AUROC in "${d.text}"`);
  assert.ok(!d.button, 'no more offer once the confidence is learned');
  await wb.screenshot('noconf-03-learned');
  // The signals table: the calibration column cross-fitted, the holdout column the held-out AUROC (--json confidenceAuroc), flagged learned, with the legend.
  const signals = await (
    await panelFrame(wb)
  ).evaluate(() => {
    document.getElementById('signals-section')?.scrollIntoView();
    return {
      rows: [...document.querySelectorAll<HTMLTableRowElement>('table#signal-table tbody tr')].map((tr) => ({
        name: tr.dataset.model ?? '',
        auroc: Number(tr.dataset.auroc),
        aurocHoldout: Number(tr.dataset.aurocHoldout),
        flags: tr.cells[tr.cells.length - 1]?.textContent ?? '',
      })),
      legend: document.getElementById('learned-legend')?.textContent ?? '',
    };
  });
  assert.equal(signals.rows.length, expected.models.length);
  for (const m of expected.models) {
    const row = signals.rows.find((r) => r.name === m.name)!;
    assert.ok(Math.abs(row.auroc - m.learnedConfidence!.aurocCalibration!) < 1e-12, `${m.name}: calibration AUROC ${row.auroc}`);
    assert.ok(Math.abs(row.aurocHoldout - m.confidenceAuroc!) < 1e-12, `${m.name}: held-out AUROC ${row.aurocHoldout}`);
    assert.equal(row.flags, m.learnedConfidence!.littleSignal ? 'learned, little signal' : 'learned');
  }
  assert.match(signals.legend, /^Learned: not logged but learned from the answer text and the prompt, cross-fitted .* judged by its held-out AUROC/);
  await wb.screenshot('noconf-04-learned-signals');
});
