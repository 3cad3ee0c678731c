// The keyboard focus across a save, in a real editor: the Apply button of the panel has the
// focus, an eval file of the example workspace changes on disk (the way a harness rewrites
// it), the panel turns to "computing" and shows the new analysis; the button still has the
// focus, and Enter, with no other step, writes the recommendation the panel now shows into the
// cascade config. Screenshot: `.artifacts/e2e/focus-01-after-save.png`.
import * as assert from 'node:assert/strict';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { panelFrame, waitForPanel, waitForQuietPanel } from './support/panel.ts';
import { killRecordedSync } from './support/processes.ts';
import { editorSession } from './support/session.ts';
import { scenarioSteps } from './support/steps.ts';
import { appliedConfig } from './support/workspace.ts';

process.on('exit', () => killRecordedSync());

const session = editorSession('focus');
const step = scenarioSteps('focus', () => session.wb);

/** Rewrites an eval file with the answers of its first `count` records flipped (right to wrong and back), as a new file moved in place. */
function flipAnswers(path: string, count: number): void {
  const lines = readFileSync(path, 'utf8').split('\n');
  let flipped = 0;
  const out = lines.map((line) => {
    if (flipped >= count || !line.includes('"correct": ')) return line;
    flipped++;
    return line.replace(/"correct": (true|false|0|1)/, (_m, v: string) => `"correct": ${v === 'true' ? 'false' : v === 'false' ? 'true' : v === '1' ? '0' : '1'}`);
  });
  assert.equal(flipped, count, `${count} answers flipped in ${path}`);
  writeFileSync(`${path}.new`, out.join('\n'));
  renameSync(`${path}.new`, path);
}

step('the Apply button keeps the focus while a saved eval file is analysed again, and Enter then applies what the panel shows', async () => {
  const { wb, workspace } = session;
  await wb.runCommand('Cascade Frontier: Show Cascade Frontier');
  const first = await waitForPanel(wb, 'the first analysis', (s) => s.status === 'idle' && s.rows.length > 0, { timeoutMs: 120_000 });
  let frame = await panelFrame(wb);
  await waitForQuietPanel(frame, 180_000);
  await frame.locator('#apply-policy').focus();
  assert.equal(await frame.evaluate(() => document.activeElement?.id), 'apply-policy');
  const configPath = join(workspace, 'cascade.config.yaml');
  const configBefore = readFileSync(configPath, 'utf8');

  flipAnswers(join(workspace, 'evals', 'llama3.1-405b.jsonl'), 120);
  // The panel shows "computing", then the new analysis (and its comparison, which draws the sections again too).
  await waitForPanel(wb, 'the analysis of the changed file', (s) => s.status === 'idle' && s.computedAt !== first.computedAt, { timeoutMs: 120_000 });
  frame = await panelFrame(wb);
  await waitForQuietPanel(frame, 180_000);
  const focused = await frame.evaluate(() => document.activeElement?.id ?? '');
  await wb.screenshot('focus-01-after-save');
  assert.equal(focused, 'apply-policy', 'the Apply button still has the focus');

  const shown = await frame.evaluate(() => {
    const bar = document.querySelector<HTMLElement>('#apply-policy')!.parentElement!;
    return { models: bar.dataset.models ?? '', threshold: bar.dataset.threshold ?? '' };
  });
  await wb.page.keyboard.press('Enter');
  await appliedConfig(configPath, configBefore, shown);
});
