import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../src/core/stats.ts';
import { EVIL_MODEL, evilDataset, readText, runCli, tempDir } from './report.support.ts';
import { answerDataset } from '../support/answers.ts';

/** Two models over 600 queries; on the train split `cheap` is right far more often than on test. */
function driftingSet(): { dir: string; records: { model: string; split: string; correct: number; confidence: number }[] } {
  const rnd = seededRandom(21);
  const dir = tempDir('cf-report-signals-');
  mkdirSync(join(dir, 'evals'));
  const records: { model: string; split: string; correct: number; confidence: number }[] = [];
  const lines: string[] = [];
  for (let i = 0; i < 600; i++) {
    const split = i < 300 ? 'train' : 'test';
    for (const [model, cost] of [
      ['cheap', 0.001],
      ['dear', 0.01],
    ] as const) {
      const confidence = Math.round(rnd() * 1e6) / 1e6;
      const p = model === 'cheap' ? (split === 'train' ? 0.9 : 0.55) * (0.6 + 0.4 * confidence) : 0.85;
      const correct = rnd() < p ? 1 : 0;
      records.push({ model, split, correct, confidence });
      lines.push(JSON.stringify({ model, id: `q${i}`, split, correct, confidence, cost }));
    }
  }
  writeFileSync(join(dir, 'evals', 'results.jsonl'), lines.join('\n') + '\n');
  return { dir: join(dir, 'evals'), records };
}

function auroc(rows: { correct: number; confidence: number }[]): number {
  let num = 0;
  let den = 0;
  for (const a of rows) {
    if (a.correct !== 1) continue;
    for (const b of rows) {
      if (b.correct !== 0) continue;
      den++;
      num += a.confidence > b.confidence ? 1 : a.confidence === b.confidence ? 0.5 : 0;
    }
  }
  return num / den;
}

test('the report warns about a drifting split before the recommendation and shows every confidence signal', async () => {
  const { dir, records } = driftingSet();
  const out = join(dir, '..', 'report.html');
  const { code } = await runCli(['report', dir, '--budget', '0.005', '--bootstrap', '0', '-o', out]);
  assert.equal(code, 0);
  const html = readText(out);
  const drift = html.indexOf('id="drift"');
  assert.ok(drift > 0 && drift < html.indexOf('id="answer"'), 'the drift warning comes before the recommendation');
  const trainCheap = records.filter((r) => r.model === 'cheap' && r.split === 'train');
  const testCheap = records.filter((r) => r.model === 'cheap' && r.split === 'test');
  const pct = (rows: typeof records) => `${((100 * rows.filter((r) => r.correct === 1).length) / rows.length).toFixed(1)}%`;
  assert.ok(html.includes(`the calibration split looks easier than the holdout (cheap ${pct(trainCheap)} vs ${pct(testCheap)})`), 'the warning names the gap computed here');
  const row = /<tr data-model="cheap"[^>]*>([\s\S]*?)<\/tr>/.exec(html.slice(html.indexOf('id="signal-table"')))![1];
  const cells = [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
  assert.deepEqual(cells.slice(0, 4), ['cheap', 'probability', auroc(trainCheap).toFixed(3), auroc(testCheap).toFixed(3)]);
  // Distinct confidences: ten equal-mass bins on each split, one point each.
  const figure = /<figure class="reliability" data-model="cheap">([\s\S]*?)<\/figure>/.exec(html)![1];
  assert.equal((figure.match(/<circle /g) ?? []).length, 20);
  assert.match(figure, /<svg [^>]*viewbox="0 0 150 150"[^>]*role="img"/);
});

test("the report's signal section escapes model names in its diagrams and table", async () => {
  const dir = evilDataset();
  const out = join(dir, '..', 'report.html');
  const { code } = await runCli(['report', dir, '--no-split', '--bootstrap', '0', '-o', out]);
  assert.equal(code, 0);
  const html = readText(out);
  const section = html.slice(html.indexOf('id="signals"'), html.indexOf('</section>', html.indexOf('id="signals"')));
  assert.ok(section.length > 0);
  assert.ok(!section.includes(EVIL_MODEL), 'the raw name never appears as markup');
  assert.ok(section.includes('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;'));
  // The constant signal of the second model is flagged degenerate (and weak: AUROC 0.5).
  assert.match(section, /weak; degenerate: 1 value, 100\.0% on the 5 commonest/);
});

test("the report's signal table shows a learned confidence's calibration AUROC cross-fitted, its held-out one beside it, flagged and explained", async () => {
  const n = 300;
  const ds = answerDataset(n, { calibration: n / 2 });
  const dir = tempDir('cf-report-learned-');
  for (const m of ds.models) {
    const lines = ds.ids.map((id, i) => JSON.stringify({ id, split: i < n / 2 ? 'train' : 'test', correct: m.quality[i], cost: m.cost[i], prompt: ds.prompts![i], response: m.responses![i] }));
    writeFileSync(join(dir, `${m.name}.jsonl`), lines.join('\n') + '\n');
  }
  const out = join(dir, 'report.html');
  assert.equal((await runCli(['report', dir, '--confidence', 'learned', '--bootstrap', '0', '-o', out])).code, 0);
  const json = JSON.parse((await runCli(['analyze', dir, '--confidence', 'learned', '--bootstrap', '0', '--json'])).out);
  const html = readText(out);
  const table = html.slice(html.indexOf('id="signal-table"'));
  for (const m of json.models) {
    const row = new RegExp(`<tr data-model="${m.name}"[^>]*>([\\s\\S]*?)</tr>`).exec(table)![1];
    const cells = [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((c) => c[1]);
    assert.deepEqual([cells[2], cells[3]], [m.learnedConfidence.aurocCalibration.toFixed(3), m.confidenceAuroc.toFixed(3)], m.name);
    assert.equal(cells.at(-1), m.learnedConfidence.littleSignal ? 'learned, little signal' : 'learned');
  }
  assert.match(
    html,
    /<p class="note" id="learned-legend">Learned: not logged but learned from the answer text and the prompt, cross-fitted \(so its calibration AUROC is out of fold too\); its signal is judged by its held-out AUROC: under 0\.55 it carries little signal\.<\/p>/,
  );
});
