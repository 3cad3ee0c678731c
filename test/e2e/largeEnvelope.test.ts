// A large envelope in a real editor: 40,000 synthetic queries x 8 models, whose envelope has
// more vertices than the panel shows, so the host sends it thinned (the table's first rows, the
// chart at its resolution, the recommendation's vertex). Checked through the UI only, against
// the CLI's envelope: the table lists the cheapest rows and says how many there are; "Show
// all", reached with the keyboard, lists every vertex as the CLI computes it; a row far down
// the table, reached with the keyboard, selects that vertex. In a dark theme and a narrow
// window. Screenshots go to `.artifacts/e2e/large-*.png`.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { AnalysisResult } from '../../src/core/types.ts';
import { THIN_ENVELOPE_ABOVE } from '../../src/core/envelopeThinning.ts';
import { startCodeServer, type CodeServer } from './support/codeServer.ts';
import { analyzeWithCli } from './support/expected.ts';
import { panelFrame, waitForPanel, waitForQuietPanel } from './support/panel.ts';
import { EXTENSION_VSIX } from './support/paths.ts';
import { killRecordedSync } from './support/processes.ts';
import { closeScenario, scenarioSteps } from './support/steps.ts';
import { waitFor } from './support/wait.ts';
import { openWorkbench, type Workbench } from './support/workbench.ts';

process.on('exit', () => killRecordedSync());

const QUERIES = 40_000;
const FLAGS = ['--split-field', 'split', '--calibration', 'train', '--holdout', 'test'];

let server: CodeServer;
let wb: Workbench;
let root: string;
let cli: AnalysisResult;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'cascade-e2e-large-ws-'));
  // The benchmark's seeded generator (an ES module with a top-level command line, so imported when needed).
  const { generate } = (await import('../../scripts/gen-synthetic.mjs')) as { generate: (o: { queries: number; out: string }) => Promise<{ dir: string }> };
  const { dir } = await generate({ queries: QUERIES, out: join(root, 'generated') });
  mkdirSync(join(root, 'evals'));
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => {
      renameSync(join(dir, f), join(root, 'evals', f));
      return join(root, 'evals', f);
    });
  rmSync(join(root, 'generated'), { recursive: true, force: true });
  writeFileSync(join(root, 'cascade.config.yaml'), 'evals: [evals/*.jsonl]\nsplit: {field: split, calibration: train, holdout: test}\n');
  cli = analyzeWithCli(files, FLAGS);
  server = await startCodeServer({ name: 'large', extensions: [EXTENSION_VSIX] });
  wb = await openWorkbench(server, root);
});

after(() => closeScenario(wb, server, root));

const step = scenarioSteps('large', () => wb);

/** The vertex table's caption, counts and the "Show all" button, as a person and the test hooks see them. */
async function table(): Promise<{ caption: string; vertexCount: number; rowsShown: number; verticesHeld: number; button: string | undefined }> {
  return (await panelFrame(wb)).evaluate(() => {
    const t = document.getElementById('vertex-table') as HTMLTableElement;
    const b = document.getElementById('show-all-vertices');
    return {
      caption: (t.caption?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      vertexCount: Number(t.dataset.vertexCount),
      rowsShown: Number(t.dataset.rowsShown),
      verticesHeld: Number(t.dataset.verticesHeld),
      button: b ? (b.textContent ?? '').trim() : undefined,
    };
  });
}

step('the panel lists the 300 cheapest vertices as the CLI computes them, holding the envelope thinned', async () => {
  assert.ok(cli.envelope.length > THIN_ENVELOPE_ABOVE, `the CLI's envelope has ${cli.envelope.length} vertices`);
  // Once the extension is active (its status bar item counts the queries), its commands are in the palette.
  await waitFor(
    'the status bar to count the queries',
    async () => (await wb.page.locator('.statusbar-item').evaluateAll((els) => els.map((e) => e.textContent ?? ''))).some((t) => t.includes(`${QUERIES.toLocaleString('en-US')} queries`)),
    { timeoutMs: 120_000 },
  );
  await wb.runCommand('Cascade Frontier: Show Cascade Frontier');
  const s = await waitForPanel(wb, 'the first 300 rows', (p) => p.rows.length === 300, { timeoutMs: 120_000 });
  for (const [i, row] of s.rows.entries()) {
    assert.equal(row.models, cli.envelope[i].policy.models.join(','), `row ${i}`);
    assert.ok(Math.abs(row.cost - cli.envelope[i].cost) < 1e-12 && Math.abs(row.quality - cli.envelope[i].quality) < 1e-12, `row ${i}`);
  }
  const t = await table();
  assert.equal(t.vertexCount, cli.envelope.length);
  assert.ok(t.verticesHeld < cli.envelope.length, `the panel holds ${t.verticesHeld} of ${cli.envelope.length} vertices`);
  assert.match(t.caption, new RegExp(`The 300 cheapest of ${cli.envelope.length.toLocaleString('en-US')} vertices`));
  assert.equal(t.button, `Show all ${cli.envelope.length.toLocaleString('en-US')} vertices`);
  await wb.screenshot('large-01-panel');
});

step('a chart wider than the grid the envelope is thinned on draws from the whole of it', async () => {
  // Once the panel is quiet (no result, comparison or budget grid still to come and redraw it), the resize alone must do it.
  await waitForQuietPanel(await panelFrame(wb), 180_000);
  assert.ok((await table()).verticesHeld < cli.envelope.length);
  // The canvas goes past 2 x 640 pixels: its plot could show what the thinning leaves out, so the panel asks for every vertex.
  await wb.page.setViewportSize({ width: 3400, height: 1000 });
  try {
    // The webview's frame follows the window a few frames later.
    const frame = await panelFrame(wb);
    const width = () => frame.evaluate(() => document.querySelector('#chart-container canvas')?.clientWidth ?? 0);
    await waitFor('the chart to widen past 1280 pixels', async () => (await width()) > 1280, { timeoutMs: 10_000 });
    await waitFor('the panel to hold every vertex', async () => (await table()).verticesHeld === cli.envelope.length, { timeoutMs: 30_000 });
  } finally {
    await wb.page.setViewportSize({ width: 1600, height: 1000 });
  }
});

step('“Show all”, with the keyboard alone, lists every vertex as the CLI computes it', async () => {
  const frame = await panelFrame(wb);
  // Once the panel is quiet: the button and the rows it brings are those of the last result.
  await waitForQuietPanel(frame, 180_000);
  await frame.locator('#show-all-vertices').focus();
  await wb.page.keyboard.press('Enter');
  const s = await waitForPanel(wb, 'every vertex', (p) => p.rows.length === cli.envelope.length, { timeoutMs: 60_000 });
  for (const [i, row] of s.rows.entries()) {
    assert.equal(row.models, cli.envelope[i].policy.models.join(','), `row ${i}`);
    assert.ok(Math.abs(row.cost - cli.envelope[i].cost) < 1e-12 && Math.abs(row.quality - cli.envelope[i].quality) < 1e-12, `row ${i}`);
    assert.ok(row.text.startsWith(`${i + 1} `), `row ${i} is numbered ${i + 1}: ${row.text}`);
  }
  const t = await table();
  assert.equal(t.verticesHeld, cli.envelope.length);
  assert.equal(t.button, undefined);
  // The focus, on the button that went, is on the first row it brought: the arrow keys go on from there.
  const focused = await waitFor('the focus on the first new row', async () => frame.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset?.index ?? false));
  assert.equal(focused, '300');
  assert.match(t.caption, new RegExp(`^${cli.envelope.length} vertices`));
});

step('a row far down the table, reached with the keyboard, selects that vertex for Apply', async () => {
  const frame = await panelFrame(wb);
  // Once the comparison and the budget grid are in: the row reached is one of the last table.
  await waitForQuietPanel(frame, 180_000);
  const target = Math.min(cli.envelope.length - 1, 1000);
  await frame.locator('#status').click();
  await frame.locator('table#vertex-table tbody tr[tabindex="0"]').focus();
  await wb.page.keyboard.press('Home');
  for (let k = 0; k < target / 10; k++) await wb.page.keyboard.press('PageDown');
  await wb.page.keyboard.press('Enter');
  const selected = await waitFor('a selected row', async () =>
    frame.evaluate(() => {
      const row = document.querySelector<HTMLTableRowElement>('table#vertex-table tbody tr.selected');
      return row ? { index: Number(row.dataset.index), models: row.dataset.models ?? '', cost: Number(row.dataset.cost) } : false;
    }),
  );
  assert.equal(selected.index, target);
  assert.equal(selected.models, cli.envelope[target].policy.models.join(','));
  assert.equal(selected.cost, cli.envelope[target].cost);
  // The bar that applies it names the same vertex.
  const action = await waitFor('the vertex action bar', async () =>
    frame.evaluate(() => {
      const bar = document.getElementById('vertex-action');
      return bar && !bar.hidden && bar.dataset.index ? { index: Number(bar.dataset.index), models: bar.dataset.models ?? '' } : false;
    }),
  );
  assert.deepEqual(action, { index: target, models: cli.envelope[target].policy.models.join(',') });
});

step('in a dark theme and a narrow window the table still reads', async () => {
  await wb.setColorTheme('Dark Modern');
  await wb.page.setViewportSize({ width: 760, height: 900 });
  const frame = await panelFrame(wb);
  const fits = await waitFor('the panel to take the dark theme and fit', async () => {
    const r = await frame.evaluate(() => ({
      dark: document.body.classList.contains('vscode-dark'),
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    }));
    return r.dark ? r : false;
  });
  assert.ok(fits.overflow <= 1, `no sideways scroll: ${fits.overflow}`);
  await wb.screenshot('large-02-dark-narrow');
});
