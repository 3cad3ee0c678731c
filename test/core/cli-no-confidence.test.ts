/**
 * The command line on runs without a logged confidence: the diagnosis first, the analysis that
 * needs no confidence, `--confidence learned`, and one JSON object also on exit 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { tempFolder } from '../fixtures/load/tempFiles.ts';
import { answerDataset } from '../support/answers.ts';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s + '\n'), err: (s) => (err += s + '\n') });
  return { code, out, err };
}

/** One JSONL file per model, as a harness export would give them: no confidence, the prompt and the answer. */
function answerFiles(n = 300): string {
  const ds = answerDataset(n, { calibration: n / 2 });
  const files: Record<string, string> = {};
  for (const m of ds.models) {
    files[`${m.name}.jsonl`] = ds.ids
      .map((id, i) => JSON.stringify({ id, split: i < n / 2 ? 'train' : 'test', correct: m.quality[i], cost: m.cost[i], prompt: ds.prompts![i], response: m.responses![i] }))
      .join('\n');
  }
  return tempFolder(files);
}

test('analyze without any confidence: the diagnosis first, then the single models, the router and the bound held out', async () => {
  const dir = answerFiles();
  const r = await run(['analyze', dir, '--bootstrap', '100']);
  assert.equal(r.code, 0, r.err);
  const at = (s: string) => r.out.indexOf(s);
  assert.ok(at('No model has a confidence, so no cascade can be computed') > 0);
  assert.ok(at('No model has a confidence') < at('Models (calibration'), 'the diagnosis comes before any figure');
  assert.match(r.out, /JSONL or CSV records \(cheap, mid, strong\): add a numeric `confidence` field/);
  assert.match(r.out, /Or learn one from the answer texts: `--confidence learned` \(config `confidence: learned`\)\./);
  assert.match(r.out, /Single models' frontier \(no cascade: no model has a confidence\)/);
  assert.match(r.out, /Without a confidence: routing before generation \(held out on 150 queries, chosen and trained on 150\)/);
  assert.match(r.out, /perfect-routing bound \(an upper limit, not a policy\)/);
  assert.match(r.out, /Would a pre-generation router beat the best single model\? (Yes|No|Unclear): /);
  // Said once.
  assert.equal(r.out.split('No model has a confidence').length, 2);
  // The files have no confidence: that is no error.
  assert.doesNotMatch(r.err, /confidence/);
});

test('analyze --json without any confidence: diagnosis, routing and the source of each model', async () => {
  const dir = answerFiles();
  const r = await run(['analyze', dir, '--json', '--bootstrap', '50']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.deepEqual(j.diagnosis.withoutConfidence, ['cheap', 'mid', 'strong']);
  assert.deepEqual(
    j.diagnosis.steps.map((s: { harness: string }) => s.harness),
    ['JSONL or CSV records'],
  );
  assert.deepEqual(
    j.models.map((m: { confidenceSource: string; confidenceMin: unknown }) => [m.confidenceSource, m.confidenceMin]),
    [
      ['none', null],
      ['none', null],
      ['none', null],
    ],
  );
  assert.equal(j.pairs.length, 0);
  assert.equal(j.routing.heldOut, true);
  assert.equal(j.routing.router.available, true);
  assert.ok(j.routing.bound.holdout.length > 0);
  assert.equal(j.routing.verdict.question, 'Would a pre-generation router beat the best single model?');
});

test('analyze --confidence learned: a labelled cascade frontier from the answer texts alone, with the held-out AUROC', async () => {
  const n = 300;
  const dir = answerFiles(n);
  const r = await run(['analyze', dir, '--confidence', 'learned', '--json', '--bootstrap', '0']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.ok(j.pairs.length === 3 && j.envelope.some((v: { policy: { kind: string } }) => v.policy.kind === 'pair'));
  assert.deepEqual(j.diagnosis.learned, ['cheap', 'mid', 'strong']);
  assert.equal(j.routing, undefined);
  for (const m of j.models) {
    assert.equal(m.confidenceSource, 'learned');
    assert.equal(m.learnedConfidence.measuredOn, 'holdout');
    assert.ok(m.learnedConfidence.auroc > 0.6, `${m.name}: ${m.learnedConfidence.auroc}`);
    // confidenceAuroc of a learned confidence is the held-out figure; the cross-fitted calibration one is learnedConfidence.aurocCalibration.
    assert.equal(m.confidenceAuroc, m.learnedConfidence.auroc);
    assert.equal(m.confidenceAurocHoldout, m.learnedConfidence.auroc);
    assert.equal(typeof m.learnedConfidence.aurocCalibration, 'number');
  }
  const text = await run(['analyze', dir, '--confidence', 'learned', '--budget', '0.0004', '--bootstrap', '0']);
  assert.match(text.out, /Learned confidence \(not logged\) for cheap, mid, strong/);
  assert.match(text.out, /learned\s*$/m);
  assert.match(
    text.out,
    /learned: not logged but learned from the answer text and the prompt, cross-fitted \(so its calibration AUROC is out of fold too\); its signal is judged by its held-out AUROC/,
  );
  assert.match(text.out, /when its learned confidence >= /);
});

test('analyze --json on exit 1 prints one JSON object with the error, the files and their problems', async () => {
  const dir = tempFolder({ 'a.jsonl': '{"id": "1", "correct": 1}\n{"id": 2}\n' });
  for (const command of ['analyze', 'compare']) {
    const r = await run([command, dir, '--json']);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.out);
    assert.equal(j.version, 1);
    assert.match(j.error, /^no usable queries/);
    assert.deepEqual(
      j.files.map((f: { records: number; rejected: number }) => [f.records, f.rejected]),
      [[0, 2]],
    );
    assert.ok(
      j.warnings.some((w: string) =>
        w.endsWith('a.jsonl:2: neither "correct" nor "score" is present; every record needs "correct" (true/false or 1/0) or "score" (a number from 0 to 1). Add one or remove the record.'),
      ),
    );
    assert.match(r.err, /no usable queries/);
  }
  const missing = await run(['analyze', join(dir, 'nothing-here'), '--json']);
  assert.equal(missing.code, 1);
  assert.deepEqual(Object.keys(JSON.parse(missing.out)), ['version', 'error', 'files', 'warnings']);
  // A usage error stays a usage error (exit 2, the usage text).
  const usage = await run(['analyze', dir, '--json', '--confidence', 'guessed']);
  assert.equal(usage.code, 2);
  assert.match(usage.err, /--confidence must be learned/);
});

test('compare --confidence learned: the learned models can lead chains; without it the chains are unavailable and say why', async () => {
  const dir = answerFiles(300);
  const family = (j: { families: { id: string; available: boolean; reason?: string }[] }, id: string) => j.families.find((f) => f.id === id)!;
  const learned = JSON.parse((await run(['compare', dir, '--confidence', 'learned', '--json', '--bootstrap', '0', '--max-subsequence', '2'])).out);
  assert.equal(family(learned, 'fullChain').available, true);
  assert.notEqual(learned.verdicts.escalation.answer, 'unavailable');
  const logged = JSON.parse((await run(['compare', dir, '--json', '--bootstrap', '0', '--max-subsequence', '2'])).out);
  assert.equal(family(logged, 'fullChain').available, false);
  assert.match(family(logged, 'fullChain').reason!, /cheap, mid have no confidence/);
  assert.equal(logged.verdicts.escalation.answer, 'unavailable');
  assert.notEqual(logged.verdicts.routerVsSingle.answer, 'unavailable');
});

test('check: a cascade led by a model without a confidence fails at its model; with `confidence: learned` the check judges the learned cascade', async () => {
  const dir = answerFiles(300);
  const config = join(dir, 'cascade.config.yaml');
  const text = 'evals: ["*.jsonl"]\nsplit: {field: split, calibration: train, holdout: test}\ncascade:\n  - model: cheap\n    threshold: 0.5\n  - model: strong\n';
  writeFileSync(config, text);
  const logged = await run(['check', config, '--format', 'json', '--bootstrap', '0']);
  assert.equal(logged.code, 1, logged.err);
  const findings = JSON.parse(logged.out).findings as { code: string; line: number; message: string }[];
  const noConfidence = findings.find((f) => f.code === 'no-confidence');
  assert.ok(noConfidence, JSON.stringify(findings));
  assert.equal(noConfidence.line, 4);
  assert.match(noConfidence.message, /^cheap has no confidence in the eval files.*`--confidence learned`/);
  writeFileSync(config, `${text}confidence: learned\n`);
  const learned = JSON.parse((await run(['check', config, '--format', 'json', '--bootstrap', '0'])).out);
  assert.ok(!learned.findings.some((f: { code: string }) => f.code === 'no-confidence'), JSON.stringify(learned.findings));
  assert.equal(learned.models.find((m: { name: string }) => m.name === 'cheap').confidenceSource, 'learned');
  assert.ok(learned.cascade, 'the learned cascade is evaluated');
});
