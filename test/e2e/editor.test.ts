// Real-editor scenarios: the packaged extension in code-server, driven through headless
// Chromium as a person would (command palette, keyboard, editor widgets). Every figure is
// compared with the CLI's `--json` on the same files (`support/expected.ts`), never with the
// extension's own output. Screenshots of each scenario go to `.artifacts/e2e/`; a failing
// scenario also saves the browser console and the workbench logs there.
//
// The panel is read through its stable test hooks (see the top of `webview/main.ts`):
// `#frontier-root[data-status][data-computed-at]`, `#chart-container[data-theme-kind]
// [data-foreground-color][data-background-color][data-render-count]`, `canvas#frontier-chart`,
// `table#vertex-table tbody tr[data-models][data-threshold][data-cost][data-quality]
// [data-escalation-rate]`, `#problem-count[data-errors]`.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { showsNumber } from '../extension/numbers.ts';
import { backtestWithCli, comparisonAreasWithCli, computeExpected, evalFileFor, type ExpectedValues } from './support/expected.ts';
import { canvasColours, luminance, panelFrame, waitForPanel, type PanelState } from './support/panel.ts';
import { killRecordedSync } from './support/processes.ts';
import { editorSession } from './support/session.ts';
import { waitFor } from './support/wait.ts';
import type { Workbench } from './support/workbench.ts';

const SHOW_FRONTIER = 'Cascade Frontier: Show Cascade Frontier';
const CONFIG = 'cascade.config.yaml';
/** Screenshots the README shows (`npm run test:e2e -- --screenshots-to docs/images` copies them). */
const README_SHOTS = 'readme';

process.on('exit', () => killRecordedSync());

let wb: Workbench;
let workspace: string;
let expected: ExpectedValues;

editorSession('editor', { prepare: (copy) => (expected = computeExpected(copy, CONFIG)), ready: (s) => ({ wb, workspace } = s) });

/** Runs a scenario; on failure saves a screenshot, the browser console and the workbench logs. */
function scenario(name: string, fn: (t: TestContext) => Promise<void>): void {
  test(name, async (t) => {
    try {
      await fn(t);
    } catch (err) {
      const dir = wb ? await wb.saveFailure(name) : undefined;
      if (dir) t.diagnostic(`screenshot and logs: ${dir}`);
      throw err;
    }
  });
}

function close(actual: number, want: number, what: string): void {
  assert.ok(Math.abs(actual - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${what}: panel shows ${actual}, the CLI computes ${want}`);
}

/** The panel shows the envelope of `exp`: as many rows, first and last rows' cost and quality (data and text). */
function panelMatches(s: PanelState, exp: ExpectedValues): boolean {
  const first = s.rows[0];
  const last = s.rows.at(-1);
  return (
    s.status === 'idle' &&
    s.rows.length === exp.envelopeVertices &&
    first !== undefined &&
    last !== undefined &&
    Math.abs(first.cost - exp.envelopeFirst.cost) <= 1e-9 * exp.envelopeFirst.cost + 1e-15 &&
    Math.abs(first.quality - exp.envelopeFirst.quality) <= 1e-9 &&
    Math.abs(last.cost - exp.envelopeLast.cost) <= 1e-9 * exp.envelopeLast.cost + 1e-15 &&
    Math.abs(last.quality - exp.envelopeLast.quality) <= 1e-9
  );
}

function fileText(relative: string): string {
  return readFileSync(join(workspace, relative), 'utf8');
}

/**
 * The file's text once a save has reached the disk: different from `before`, and the same in
 * two reads in a row (a read can land between the truncation and the write of a save).
 */
async function savedText(relative: string, before: string): Promise<string> {
  let previous: string | undefined;
  return waitFor(
    `${relative} to be saved`,
    () => {
      const now = fileText(relative);
      const settled = now !== before && now === previous;
      previous = now;
      return settled ? now : false;
    },
    { intervalMs: 250 },
  );
}

/** The recommended threshold as the lens above the threshold line must read it. */
function lensShowsAdvice(lens: string, exp: ExpectedValues, current: number | null): boolean {
  if (exp.recommendedThreshold === current) return /Recommended threshold for this budget/.test(lens);
  return /Suggested threshold/.test(lens) && (exp.recommendedThreshold === null ? /null/.test(lens) : showsNumber(lens, exp.recommendedThreshold));
}

async function lensAboveThreshold(): Promise<string | undefined> {
  const line = await wb.lineBox('threshold:');
  if (!line) return undefined;
  const lenses = await wb.codeLenses();
  // The lens line directly above the threshold line (CodeLens sits in a zone above its line).
  const above = lenses.filter((l) => l.bottom <= line.top + 1 && line.top - l.bottom < line.bottom - line.top + 2);
  return above.at(-1)?.text;
}

scenario('the panel shows the chart and the envelope of the example workspace', async (t) => {
  const t0 = Date.now();
  await wb.openFile(CONFIG);
  const opened = Date.now();
  await wb.runCommand(SHOW_FRONTIER);
  const ran = Date.now();
  // The first analysis includes activation and reading every eval file.
  const s = await waitForPanel(wb, 'the panel to show the envelope the CLI computes', (p) => panelMatches(p, expected), { timeoutMs: 90_000 });
  t.diagnostic(`config opened in ${opened - t0} ms, command run in ${ran - opened} ms, panel shown ${Date.now() - ran} ms later`);
  const first = s.rows[0]!;
  const last = s.rows.at(-1)!;
  close(first.cost, expected.envelopeFirst.cost, 'first vertex cost');
  close(last.quality, expected.envelopeLast.quality, 'last vertex quality');
  // What a person reads: the quality as a percentage and the cost per query or per 1k queries.
  for (const [row, want] of [
    [first, expected.envelopeFirst],
    [last, expected.envelopeLast],
  ] as const) {
    assert.ok(showsNumber(row.text, want.quality), `row "${row.text}" shows quality ${want.quality}`);
    assert.ok(showsNumber(row.text, want.cost) || showsNumber(row.text, want.cost, 1000), `row "${row.text}" shows cost ${want.cost}`);
  }
  // The chart is drawn: a canvas of real size with painted pixels.
  assert.ok(s.chart.width > 100 && s.chart.height > 100, `chart canvas is ${s.chart.width}x${s.chart.height}`);
  const paint = await canvasColours(await panelFrame(wb));
  assert.ok(paint.opaque > 0.5, `the chart painted ${Math.round(paint.opaque * 100)}% of its canvas`);
  await wb.screenshot('01-frontier-panel');
  await wb.screenshot(`${README_SHOTS}/panel`);
});

scenario('the panel shows the held-out comparison that the CLI compare computes, and overlays a family on demand', async () => {
  const want = comparisonAreasWithCli(expected.cliInputs);
  const read = async () =>
    (await panelFrame(wb)).evaluate(() => ({
      status: document.getElementById('frontier-root')?.dataset.comparisonStatus ?? '',
      series: document.getElementById('frontier-root')?.dataset.comparisonSeries ?? '',
      rows: [...document.querySelectorAll<HTMLTableRowElement>('table#comparison-table tbody tr')].map((tr) => ({
        family: tr.dataset.family ?? '',
        available: tr.dataset.available,
        area: tr.dataset.area === undefined || tr.dataset.area === '' ? null : Number(tr.dataset.area),
      })),
    }));
  const shown = await waitFor(
    'the comparison table to be filled',
    async () => {
      const s = await read();
      return s.status === 'ready' && s.rows.length >= want.size ? s : false;
    },
    { timeoutMs: 90_000 },
  );
  for (const [family, w] of want) {
    const row = shown.rows.find((r) => r.family === family);
    assert.ok(row, `the comparison table has a row for ${family}`);
    if (w.area === null) assert.equal(row.area, null, `${family} has no area`);
    else close(row.area!, w.area, `${family} held-out area`);
  }
  // Overlay the full chain: its series joins the chart.
  await (await panelFrame(wb)).click('#toggle-fullChain');
  await waitFor('the full chain to be drawn', async () => (await read()).series.split(',').includes('fullChain'));
  await wb.screenshot('01b-comparison');
});

scenario('the pair curves, turned on, are drawn with every point the CLI reports (the panel asks the host for them)', async () => {
  const frame = await panelFrame(wb);
  const read = async () =>
    (await panelFrame(wb)).evaluate(() => ({
      shown: document.getElementById('frontier-root')?.dataset.showPairs ?? '',
      points: Number(document.getElementById('chart-container')?.dataset.pairPoints ?? NaN),
    }));
  assert.equal((await read()).shown, 'false', 'the pair curves start hidden');
  assert.ok(expected.pairPoints > 0);
  await frame.click('#toggle-pairs');
  await waitFor(`the ${expected.pairPoints} points of the pair curves to be drawn`, async () => {
    const s = await read();
    return s.shown === 'true' && s.points === expected.pairPoints;
  });
  await wb.screenshot('01c-pair-curves');
  await frame.click('#toggle-pairs');
  await waitFor('the pair curves to be hidden again', async () => {
    const s = await read();
    return s.shown === 'false' && s.points === 0;
  });
});

scenario("the panel shows each model's confidence signal as the CLI computes it, with a reliability diagram", async () => {
  const read = async () =>
    (await panelFrame(wb)).evaluate(() => {
      document.getElementById('signals-section')?.scrollIntoView();
      return {
        rows: [...document.querySelectorAll<HTMLTableRowElement>('table#signal-table tbody tr')].map((tr) => ({
          name: tr.dataset.model ?? '',
          auroc: tr.dataset.auroc === undefined ? null : Number(tr.dataset.auroc),
          aurocHoldout: tr.dataset.aurocHoldout === undefined ? null : Number(tr.dataset.aurocHoldout),
          calibrationError: tr.dataset.calibrationError === undefined ? null : Number(tr.dataset.calibrationError),
          bins: Number(tr.dataset.bins),
          text: (tr.innerText || tr.textContent || '').replace(/\s+/g, ' ').trim(),
        })),
        diagrams: [...document.querySelectorAll('figure.reliability')].map((f) => ({ model: (f as HTMLElement).dataset.model ?? '', points: f.querySelectorAll('circle').length })),
      };
    });
  const s = await waitFor('the confidence signals of every model', async () => {
    const r = await read();
    return r.rows.length === expected.signals.length ? r : false;
  });
  for (const want of expected.signals) {
    const row = s.rows.find((r) => r.name === want.name);
    assert.ok(row, `a row for ${want.name}`);
    for (const k of ['auroc', 'aurocHoldout', 'calibrationError'] as const) {
      const w = want[k];
      if (w === null) assert.equal(row[k], null, `${want.name} ${k}`);
      else close(row[k]!, w, `${want.name} ${k}`);
    }
    // What a person reads: the AUROC to two decimals.
    if (want.auroc !== null) assert.ok(row.text.includes(want.auroc.toFixed(2)), `row "${row.text}" shows AUROC ${want.auroc.toFixed(2)}`);
    const diagram = s.diagrams.find((d) => d.model === want.name);
    if (want.bins > 0) assert.ok(diagram && diagram.points >= want.bins, `${want.name}: a reliability diagram with its ${want.bins} calibration bins`);
  }
  await wb.screenshot('02b-confidence-signals');
});

scenario('the panel recommends what the CLI recommends for the budget, with its verdict, and backtests the rule as the CLI does', async () => {
  const want = backtestWithCli(expected.cliInputs, 10);
  const read = async () =>
    (await panelFrame(wb)).evaluate(() => {
      const rec = document.getElementById('recommendation');
      const line = document.getElementById('backtest-line');
      rec?.scrollIntoView();
      return {
        rule: rec?.dataset.rule ?? '',
        models: rec?.dataset.models ?? '',
        threshold: rec?.dataset.threshold ?? '',
        verdict: rec?.dataset.verdict ?? '',
        text: (rec?.innerText ?? '').replace(/\s+/g, ' '),
        backtest: { status: line?.dataset.status ?? '', gain: Number(line?.dataset.gain), over: Number(line?.dataset.overShare), worse: Number(line?.dataset.worseShare), text: line?.innerText ?? '' },
      };
    });
  const s = await waitFor(
    'the recommendation and the backtest line',
    async () => {
      const r = await read();
      return r.rule === 'noise-aware' && r.backtest.status === 'ready' ? r : false;
    },
    { timeoutMs: 120_000 },
  );
  assert.equal(s.models, expected.recommendation.models.join(','));
  if (expected.recommendation.threshold !== null) close(Number(s.threshold), expected.recommendation.threshold, 'recommended threshold');
  assert.equal(s.verdict, expected.recommendation.verdict ?? '');
  assert.match(s.text, /Is escalation worth it at your budget\?\s*(Yes|No|Unclear)/);
  close(s.backtest.gain, want.meanGain, 'backtest mean gain');
  close(s.backtest.over, want.overShare, 'backtest share over budget');
  close(s.backtest.worse, want.worseShare, 'backtest share worse');
  assert.match(s.backtest.text, /On your data, recommendations held out: [+−-]?\d+\.\d pts .*over budget in \d+% of budgets/);
  await wb.screenshot('01c-recommendation-backtest');
});

scenario('the CodeLens above the threshold shows the recommended threshold for the budget', async () => {
  // The noise-aware rule moves the suggestion off the in-sample best threshold of the pair: the
  // lens must show the rule's threshold, not the in-sample one.
  assert.notEqual(expected.recommendedThreshold, expected.inSampleThreshold, 'the rule changes the suggestion on the example workspace');
  await wb.focusFirstGroup();
  await wb.openFile(CONFIG);
  const lens = await waitFor(
    'the CodeLens above the threshold to show the recommended threshold',
    async () => {
      const text = await lensAboveThreshold();
      return text && lensShowsAdvice(text, expected, expected.cascade.threshold) ? text : false;
    },
    { timeoutMs: 30_000 },
  );
  assert.ok(lens.length > 0);
  if (expected.inSampleThreshold !== null)
    assert.ok(!showsNumber(lens, expected.inSampleThreshold), `the lens shows the rule's ${expected.recommendedThreshold}, not the in-sample ${expected.inSampleThreshold}: ${lens}`);
  await wb.screenshot('02-codelens');
  // For the README: the config alone at full width, its lenses and inlay hints readable.
  await wb.runCommand('View: Toggle Maximize Editor Group');
  await wb.runCommand('View: Toggle Primary Side Bar Visibility');
  const editor = await waitFor('the editor to take the full width', async () => {
    const b = await wb.activeEditor().boundingBox();
    return b && b.width > 1200 ? b : false;
  });
  await waitFor('the lens to be laid out again', async () => lensShowsAdvice((await lensAboveThreshold()) ?? '', expected, expected.cascade.threshold));
  const bottom = await wb
    .activeEditor()
    .locator('.view-line')
    .evaluateAll((els) => Math.max(...els.filter((e) => (e.textContent ?? '').trim() !== '').map((e) => e.getBoundingClientRect().bottom)));
  await wb.screenshot(`${README_SHOTS}/config-lenses`, { x: editor.x, y: editor.y, width: 1000, height: Math.min(bottom + 8, editor.y + editor.height) - editor.y });
});

scenario('hovering the threshold shows the shadow price and the escalation rate', async () => {
  const { line, column } = expected.thresholdPosition;
  const lambdas = [expected.shadowPrice.lambdaLeft, expected.shadowPrice.lambdaRight].filter((x): x is number => x !== null && x > 0);
  assert.ok(lambdas.length > 0, 'the CLI gives a positive shadow price at the configured cascade');
  const text = await wb.hoverAt(line, column, (t) => /Shadow price/i.test(t) && /escalat/i.test(t));
  // The hover's table gives the configured cascade's escalation rate.
  assert.ok(showsNumber(text, expected.configured.escalationRate), `hover shows escalation rate ${expected.configured.escalationRate}:\n${text}`);
  // Shadow price in quality points per extra $1 per 1k queries: lambda * 100 / 1000.
  assert.ok(
    lambdas.some((l) => showsNumber(text, l / 10)),
    `hover shows a shadow price of ${lambdas.map((l) => l / 10).join(' or ')} points per $1 per 1k:\n${text}`,
  );
  await wb.screenshot('03-hover');
  const editor = (await wb.activeEditor().boundingBox())!;
  const hover = (await wb.page.locator('.monaco-hover:not(.hidden)').first().boundingBox())!;
  const at = (await wb.lineBox('threshold:'))!;
  const top = Math.max(editor.y, Math.min(hover.y, at.top) - 40);
  const width = Math.min(Math.max(1000, hover.x + hover.width + 12 - editor.x), editor.width);
  await wb.screenshot(`${README_SHOTS}/config-hover`, { x: editor.x, y: top, width, height: Math.max(hover.y + hover.height, at.bottom) + 12 - top });
  await wb.page.keyboard.press('Escape');
  // Back to the side bar and the panel beside the editor.
  await wb.runCommand('View: Toggle Primary Side Bar Visibility');
  await wb.runCommand('View: Toggle Maximize Editor Group');
  await panelFrame(wb);
});

scenario('the quick fix writes the recommended threshold and keeps the comments', async () => {
  const before = fileText(CONFIG);
  const { line, column } = expected.thresholdPosition;
  assert.notEqual(expected.recommendedThreshold, expected.cascade.threshold, 'the example config starts off the recommended threshold');
  await wb.codeAction(
    line,
    column,
    (l) => /recommended threshold/i.test(l),
    () => wb.screenshot('04-quick-fix-menu'),
  );
  await wb.save();
  const after = await savedText(CONFIG, before);
  const beforeLines = before.split('\n');
  const afterLines = after.split('\n');
  assert.equal(afterLines.length, beforeLines.length, 'the quick fix changes no line count');
  for (let i = 0; i < beforeLines.length; i++) {
    if (i === line - 1) continue;
    assert.equal(afterLines[i], beforeLines[i], `line ${i + 1} is untouched`);
  }
  const changed = afterLines[line - 1]!;
  const want = expected.recommendedThreshold;
  assert.ok(want === null ? /null/.test(changed) : showsNumber(changed, want), `threshold line now holds ${want}: ${changed}`);
  const comment = beforeLines[line - 1]!.indexOf('#');
  if (comment >= 0) assert.ok(changed.endsWith(beforeLines[line - 1]!.slice(comment)), 'the comment on the threshold line is kept');
  // The lens now agrees with the file.
  await waitFor('the lens to call the threshold recommended', async () => /Recommended threshold for this budget/.test((await lensAboveThreshold()) ?? ''));
  await wb.screenshot('05-quick-fix-applied');
});

let afterEdit: ExpectedValues | undefined;

scenario('changed eval results update the panel and the lens within seconds', async (t) => {
  const file = evalFileFor(workspace, expected.cascade.expensive);
  const before = fileText(file);
  // Written as in the file (`"correct": 0`, `"correct":false`...), so the editor's plain-text search finds it.
  const wrong = /"correct":\s*(0|false)\b/.exec(before)?.[0];
  assert.ok(wrong, `${file} has wrong answers to correct`);
  const right = wrong.replace(/0$/, '1').replace(/false$/, 'true');
  await wb.focusFirstGroup();
  await wb.openFile(file);
  // The expensive model now answers every query correctly.
  await wb.replaceAll(wrong, right);
  await wb.save();
  const savedAt = Date.now();
  await savedText(file, before);
  afterEdit = computeExpected(workspace, CONFIG);
  assert.ok(afterEdit.envelopeLast.quality > expected.envelopeLast.quality, 'the edit raises the best quality on the envelope');
  const next = afterEdit;
  await waitForPanel(wb, 'the panel to show the new envelope', (s) => panelMatches(s, next), { timeoutMs: 20_000 });
  const panelMs = Date.now() - savedAt;
  await wb.screenshot('06-panel-updated');
  await wb.openFile(CONFIG);
  const current = next.cascade.threshold;
  await waitFor(
    'the lens to show the new advice and figures',
    async () => {
      const lenses = (await wb.codeLenses()).map((l) => l.text).join('\n');
      const advice = (await lensAboveThreshold()) ?? '';
      return lensShowsAdvice(advice, next, current) && /This cascade/.test(lenses) && showsNumber(lenses, next.configured.quality);
    },
    { timeoutMs: 20_000 },
  );
  t.diagnostic(`panel updated ${panelMs} ms after the save; lens ${Date.now() - savedAt} ms`);
  await wb.screenshot('07-lens-updated');
});

scenario('a malformed line becomes a diagnostic at its file and line; the panel keeps the last good result', async () => {
  const good = afterEdit ?? expected;
  const file = evalFileFor(workspace, expected.cascade.expensive);
  await wb.focusFirstGroup();
  await wb.openFile(file);
  const original = fileText(file);
  const lines = original.split('\n');
  const badLine = lines.at(-1) === '' ? lines.length : lines.length + 1;
  // Control+End lands on line lines.length; pressed before the editor has the focus it is lost, so press it until the cursor is there.
  await waitFor(`the cursor on the last line (${lines.length})`, async () => {
    await wb.page.keyboard.press('Control+End');
    const status = await wb.page
      .locator('#status\\.editor\\.selection')
      .textContent()
      .catch(() => '');
    return status?.includes(`Ln ${lines.length},`) ?? false;
  });
  if (lines.at(-1) !== '') await wb.page.keyboard.press('Enter');
  await wb.page.keyboard.insertText('this line is not JSON');
  await wb.save();
  assert.ok((await savedText(file, original)).includes('this line is not JSON'), 'the bad line is saved');
  // The Problems panel lists it under the file, at its line.
  await wb.page.keyboard.press('Control+Shift+M');
  const markers = wb.page.locator('.markers-panel .monaco-list-row');
  const label = await waitFor(`a problem at ${basename(file)} line ${badLine}`, async () => {
    const labels = await markers.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    const fileRow = labels.findIndex((l) => l.includes(basename(file)));
    if (fileRow < 0) return false;
    return labels.slice(fileRow + 1).find((l) => new RegExp(`\\b(line|Ln) ${badLine}\\b`).test(l) && /Cascade Frontier/.test(l)) ?? false;
  });
  assert.match(label, new RegExp(`\\b(line|Ln) ${badLine}\\b`));
  await wb.screenshot('08-diagnostic');
  const s = await waitForPanel(wb, 'the panel to count the problem and keep the last good envelope', (p) => p.errors + p.warnings > 0 && p.rows.length === good.envelopeVertices);
  close(s.rows.at(-1)!.quality, good.envelopeLast.quality, 'last vertex quality after the bad line');
  close(s.rows[0]!.cost, good.envelopeFirst.cost, 'first vertex cost after the bad line');
  await wb.page.keyboard.press('Control+Shift+M');
});

scenario('switching to a dark theme redraws the chart in the dark theme', async () => {
  const light = await waitForPanel(wb, 'the chart in the light theme', (s) => s.chart.themeKind === 'light' && s.chart.renderCount > 0);
  await wb.setColorTheme('Dark Modern');
  const dark = await waitForPanel(
    wb,
    'the chart to follow the dark theme',
    (s) => s.chart.themeKind === 'dark' && s.chart.renderCount > light.chart.renderCount && s.chart.background !== light.chart.background,
  );
  assert.ok(luminance(dark.chart.background) < 0.2, `dark background ${dark.chart.background}`);
  assert.ok(luminance(dark.chart.foreground) > luminance(dark.chart.background), 'light text on a dark background');
  // What the canvas really painted: its corner is the dark background.
  const paint = await canvasColours(await panelFrame(wb));
  assert.ok(luminance(paint.corner) < 0.2, `the canvas corner is dark: rgba(${paint.corner.join(', ')})`);
  await wb.screenshot('09-dark-theme');
});
