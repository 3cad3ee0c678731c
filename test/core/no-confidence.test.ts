import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dataset, FileSummary } from '../../src/core/types.ts';
import { analyze } from '../../src/core/analyze.ts';
import { compare } from '../../src/core/compare/compare.ts';
import { learnConfidence } from '../../src/core/confidence/learned.ts';
import { diagnose, diagnosisHeadline } from '../../src/core/confidence/diagnosis.ts';
import { parseCascadeConfig } from '../../src/core/config/config.ts';
import { configFindings } from '../../src/core/config/advice.ts';
import { answerDataset, aurocByPairs } from '../support/answers.ts';
import { renderSignals } from '../../src/cli/commands/analyze.ts';
import { makeDataset } from '../support/dataset.ts';

const FIELD = { kind: 'field', calibration: 'train', holdout: 'test' } as const;
const file = (format: string, models: string[]): FileSummary => ({ file: `${format}.out`, format, models, records: 1, rejected: 0, derived: [], missing: [] });

/** Three models with a logged confidence, then `none` for the names given. */
function partlyWithout(without: readonly string[]): Dataset {
  const ds = makeDataset({
    a: { q: [1, 0, 1, 0, 1, 1], s: [0.9, 0.1, 0.8, 0.3, 0.7, 0.6], c: [1, 1, 1, 1, 1, 1] },
    b: { q: [1, 1, 1, 0, 1, 1], s: [0.5, 0.6, 0.7, 0.2, 0.9, 0.4], c: [2, 2, 2, 2, 2, 2] },
    c: { q: [1, 1, 1, 1, 1, 0], s: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], c: [4, 4, 4, 4, 4, 4] },
  });
  return { ...ds, models: ds.models.map((m) => (without.includes(m.name) ? { ...m, confidence: new Float64Array(ds.n), confidenceSource: 'none' as const } : m)) };
}

test("analyze: no model with a confidence gives the single models' frontier, no pairs, and a diagnosis per harness", () => {
  const ds = partlyWithout(['a', 'b', 'c']);
  const r = analyze(ds, { split: { kind: 'none' }, files: [file('inspect-eval', ['a', 'b']), file('lm-eval-samples', ['c'])] });
  assert.equal(r.pairs.length, 0);
  assert.ok(r.envelope.every((v) => v.policy.kind === 'single'));
  // Singles: a (1, 4/6), b (2, 5/6), c (4, 5/6): c is dominated by b.
  assert.deepEqual(
    r.envelope.map((v) => v.policy.models[0]),
    ['a', 'b'],
  );
  assert.deepEqual(
    r.models.map((m) => [m.name, m.confidenceSource, m.confidenceMin, m.confidenceAuroc]),
    [
      ['a', 'none', null, null],
      ['b', 'none', null, null],
      ['c', 'none', null, null],
    ],
  );
  const d = r.diagnosis!;
  assert.deepEqual(d.withoutConfidence, ['a', 'b', 'c']);
  assert.deepEqual(
    d.steps.map((s) => [s.harness, s.models]),
    [
      ['Inspect', ['a', 'b']],
      ['lm-evaluation-harness', ['c']],
    ],
  );
  assert.match(d.steps[0].step, /--logprobs/);
  assert.match(d.steps[1].step, /multiple-choice tasks log per-choice log-likelihoods/);
  assert.match(d.lines[0], /^No model has a confidence, so no cascade can be computed/);
  assert.ok(d.lines.some((l) => l.includes('--confidence learned') && l.includes('confidence: learned')));
});

test('analyze: models without a confidence are never the cheap stage of a pair, but are its expensive stage', () => {
  const r = analyze(partlyWithout(['b']), { split: { kind: 'none' }, files: [file('jsonl', ['a', 'b', 'c'])] });
  assert.deepEqual(
    r.pairs.map((p) => `${p.cheap}>${p.expensive}`),
    ['a>b', 'a>c'],
  );
  assert.ok(r.envelope.every((v) => v.policy.kind === 'single' || v.policy.models[0] !== 'b'));
  assert.match(r.diagnosis!.lines[0], /^1 of 3 models have no confidence \(b\): they enter as single models and as the expensive stage of a pair/);
  assert.deepEqual(r.diagnosis!.steps, [{ harness: 'JSONL or CSV records', models: ['b'], step: r.diagnosis!.steps[0].step }]);
  // The pair a -> b escalating a's lowest-confidence query (query 1, wrong for a, right for b).
  const ab = r.pairs[0].points;
  const expected = { cost: (6 + 2) / 6, quality: (4 + 1) / 6 };
  assert.ok(ab.some((p) => Math.abs(p.cost - expected.cost) < 1e-12 && Math.abs(p.quality - expected.quality) < 1e-12));
});

test('analyze: a configured cascade whose first stage has no confidence is refused with what to do', () => {
  assert.throws(
    () => analyze(partlyWithout(['a']), { split: { kind: 'none' }, cascade: { kind: 'pair', models: ['a', 'c'], thresholds: [0.5] } }),
    /the cascade's a has no confidence in the eval files, so it cannot decide when to escalate: make it the last stage.*--confidence learned/,
  );
  // As the last stage it is fine.
  const r = analyze(partlyWithout(['c']), { split: { kind: 'none' }, cascade: { kind: 'pair', models: ['a', 'c'], thresholds: [0.5] } });
  assert.equal(r.cascade!.inSample.n, 6);
});

test('analyze: everything is as before for models with a logged confidence (no diagnosis)', () => {
  const r = analyze(partlyWithout([]), { split: { kind: 'none' } });
  assert.equal(r.diagnosis, undefined);
  assert.ok(r.models.every((m) => m.confidenceSource === 'logged' && m.learnedConfidence === undefined));
  assert.equal(r.pairs.length, 3);
});

test('diagnose: degenerate inputs said plainly (a constant confidence, one model, every answer right or none)', () => {
  const constant = makeDataset({
    helm: { q: [1, 0, 1, 1], s: [1, 1, 1, 1], c: [1, 1, 1, 1] },
    perfect: { q: [1, 1, 1, 1], s: [0.1, 0.2, 0.3, 0.4], c: [2, 2, 2, 2] },
    hopeless: { q: [0, 0, 0, 0], s: [0.3, 0.2, 0.1, 0], c: [3, 3, 3, 3] },
  });
  const r = analyze(constant, { split: { kind: 'none' }, files: [file('helm', ['helm'])] });
  const notes = r.diagnosis!.notes.join('\n');
  assert.match(notes, /helm's confidence is 1 on every calibration query \(HELM's max_prob is 1 for every instance of a model that returns no log-probabilities\): it carries no signal/);
  assert.match(notes, /perfect answers every calibration query right/);
  assert.match(notes, /hopeless answers no calibration query right/);
  assert.deepEqual(r.diagnosis!.withoutConfidence, []);

  const one = analyze(makeDataset({ solo: { q: [1, 0], s: [0.2, 0.1], c: [1, 1] } }), { split: { kind: 'none' } });
  assert.match(one.diagnosis!.notes.join('\n'), /Only one model \(solo\) has usable records: a cascade needs two/);
  assert.equal(diagnose(analyze(partlyWithout([]), { split: { kind: 'none' } }).models, []), undefined);
});

test('compare: without any confidence the cascade questions are unavailable and the router is weighed against the best single model', () => {
  const ds = answerDataset(400, { calibration: 200 });
  const r = compare(ds, { split: FIELD, bootstrapResamples: 50 });
  const family = (id: string) => r.families.find((f) => f.id === id)!;
  assert.equal(family('fullChain').available, false);
  assert.match(family('fullChain').reason!, /cheap, mid have no confidence/);
  assert.ok(family('bestSubsequence').inSample.every((p) => p.policy!.kind === 'single'));
  assert.equal(r.search.subsequenceCandidates, 3);
  assert.equal(r.verdicts.escalation.answer, 'unavailable');
  assert.match(r.verdicts.escalation.detail, /no model but the dearest has a confidence/);
  assert.equal(family('router').available, true);
  assert.notEqual(r.verdicts.routerVsSingle.answer, 'unavailable');
  assert.match(r.verdicts.routerVsSingle.question, /router beat the best single model/);
  assert.ok(family('bound').holdout.length > 0);
});

test('analyze after learnConfidence: learned models are labelled, with the held-out AUROC counted pair by pair', () => {
  const ds = answerDataset(400, { calibration: 200 });
  const { dataset, models: learned } = learnConfidence(ds, FIELD);
  const r = analyze(dataset, { split: FIELD, learned, bootstrapResamples: 0 });
  assert.ok(r.pairs.length === 3);
  for (const m of r.models) {
    assert.equal(m.confidenceSource, 'learned');
    const l = m.learnedConfidence!;
    assert.equal(l.measuredOn, 'holdout');
    assert.equal(l.from, 'answer and prompt');
    const cols = dataset.models.find((c) => c.name === m.name)!;
    const held = Array.from({ length: 200 }, (_, i) => 200 + i);
    const expected = aurocByPairs(
      held.map((i) => cols.confidence[i]),
      held.map((i) => cols.quality[i]),
    );
    assert.ok(Math.abs(l.auroc! - expected) < 1e-12, `${m.name}: ${l.auroc} vs ${expected}`);
    assert.equal(l.littleSignal, expected < 0.55);
    // --json's confidenceAuroc of a learned confidence is the held-out one too; the cross-fitted calibration one stays in learnedConfidence.
    assert.ok(Math.abs(m.confidenceAuroc! - expected) < 1e-12, `${m.name}: confidenceAuroc ${m.confidenceAuroc} vs ${expected}`);
    assert.ok(Math.abs(m.confidenceAurocHoldout! - expected) < 1e-12);
    const cal = Array.from({ length: 200 }, (_, i) => i);
    const expectedCal = aurocByPairs(
      cal.map((i) => cols.confidence[i]),
      cal.map((i) => cols.quality[i]),
    );
    assert.ok(Math.abs(l.aurocCalibration! - expectedCal) < 1e-12, `${m.name}: ${l.aurocCalibration} vs ${expectedCal}`);
    assert.notEqual(expectedCal, expected, 'the two splits give different figures, so the test tells them apart');
    assert.equal(m.confidenceSignal.weak, expected < 0.55);
  }
  assert.deepEqual(r.diagnosis!.learned, ['cheap', 'mid', 'strong']);
  assert.match(
    r.diagnosis!.lines.join('\n'),
    /Learned confidence \(not logged\) for cheap, mid, strong: a cross-fitted P\(correct\) from each model's answer text and the prompt\. Its AUROC \(held out\): cheap 0\.\d\d/,
  );
});

test('analyze after learnConfidence: a learned score with little signal is said to carry little', () => {
  const ds = answerDataset(300, { calibration: 150, hedge: 0.1, strengths: { a: 0.5, b: 0.7 } });
  // Prompts that say nothing either: every query the same question.
  const mute: Dataset = { ...ds, prompts: ds.prompts!.map(() => 'What is the value?') };
  const { dataset, models: learned } = learnConfidence(mute, FIELD);
  const r = analyze(dataset, { split: FIELD, learned, bootstrapResamples: 0 });
  const weak = r.models.filter((m) => m.learnedConfidence!.littleSignal);
  assert.ok(weak.length > 0, r.models.map((m) => m.learnedConfidence!.auroc).join(', '));
  assert.match(r.diagnosis!.notes.join('\n'), /learned confidence carries little signal \(AUROC 0\.\d\d held out, under 0\.55\)/);
});

test('diagnosisHeadline: the few words of a status line', () => {
  const d = analyze(partlyWithout(['a', 'b', 'c']), { split: { kind: 'none' } }).diagnosis;
  assert.equal(diagnosisHeadline(d, 3), 'no confidence');
  assert.equal(diagnosisHeadline(analyze(partlyWithout(['b']), { split: { kind: 'none' } }).diagnosis, 3), '1 of 3 without confidence');
  assert.equal(diagnosisHeadline(undefined, 3), undefined);
  const learned = learnConfidence(answerDataset(100), FIELD);
  assert.equal(diagnosisHeadline(analyze(learned.dataset, { split: FIELD, learned: learned.models, bootstrapResamples: 0 }).diagnosis, 3), 'learned confidence');
});

test('configFindings: a configured first stage without a confidence is an error at its model, with the step and the learned option', () => {
  const result = analyze(partlyWithout(['a']), { split: { kind: 'none' }, files: [file('promptfoo', ['a', 'b', 'c'])] });
  const config = parseCascadeConfig('cascade:\n  - model: a\n    threshold: 0.5\n  - model: c\n', 'yaml');
  const findings = configFindings(config, result).filter((f) => f.code === 'no-confidence');
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.severity, 'error');
  assert.match(
    findings[0]!.message,
    /^a has no confidence in the eval files, so it cannot decide when to escalate: make it the last stage, or get it a confidence \(make the provider return logprobs.*--confidence learned/,
  );
  // As the last stage it is fine.
  const last = parseCascadeConfig('cascade:\n  - model: b\n    threshold: 0.5\n  - model: a\n', 'yaml');
  assert.deepEqual(
    configFindings(last, result).filter((f) => f.code === 'no-confidence'),
    [],
  );
});

test('a confidence learned where the files keep no answer text (RouteLLM-style tables: prompt and correctness only) says it comes from the prompt alone', () => {
  const ds = answerDataset(400, { calibration: 200 });
  assert.ok(
    ds.prompts?.some((p) => p !== undefined),
    'the fixture keeps prompts',
  );
  const promptsOnly = { ...ds, models: ds.models.map((m) => ({ ...m, responses: undefined })) };
  const { dataset, models: learned } = learnConfidence(promptsOnly, FIELD);
  const r = analyze(dataset, { split: FIELD, learned, bootstrapResamples: 0 });
  assert.deepEqual(
    r.models.map((m) => m.learnedConfidence!.from),
    ['prompt', 'prompt', 'prompt'],
  );
  const text = r.diagnosis!.lines.join('\n');
  assert.match(
    text,
    /a cross-fitted P\(correct\) from the prompt alone \(the files keep no answer text, such as a `response` field or a `<model>\|response` column; a score known before generation is best weighed against the pre-generation router of `compare`\)\. Its AUROC \(held out\)/,
  );
  assert.doesNotMatch(text, /answer text and the prompt/);
});

test('analyze after learnConfidence without a holdout: confidenceAuroc is the cross-fitted AUROC over every query', () => {
  const ds = answerDataset(240);
  const { dataset, models: learned } = learnConfidence(ds, { kind: 'none' });
  const r = analyze(dataset, { split: { kind: 'none' }, learned, bootstrapResamples: 0 });
  for (const m of r.models) {
    const cols = dataset.models.find((c) => c.name === m.name)!;
    const expected = aurocByPairs(cols.confidence, cols.quality);
    assert.equal(m.learnedConfidence!.measuredOn, 'calibration, cross-fitted');
    assert.ok(Math.abs(m.confidenceAuroc! - expected) < 1e-12, `${m.name}: ${m.confidenceAuroc} vs ${expected}`);
    assert.ok(Math.abs(m.learnedConfidence!.auroc! - expected) < 1e-12);
    assert.ok(Math.abs(m.learnedConfidence!.aurocCalibration! - expected) < 1e-12);
    assert.equal(m.confidenceAurocHoldout, null);
  }
});

test('the signals table of a learned confidence: the calibration column cross-fitted, the holdout column held out, and a legend saying what it was learned from per model', () => {
  const ds = answerDataset(400, { calibration: 200 });
  // cheap's file keeps no answer text (as RouteLLM's MMLU tables): its score comes from the prompt alone.
  const mixed: Dataset = { ...ds, models: ds.models.map((m) => (m.name === 'cheap' ? { ...m, responses: undefined } : m)) };
  const { dataset, models: learned } = learnConfidence(mixed, FIELD);
  const r = analyze(dataset, { split: FIELD, learned, bootstrapResamples: 0 });
  const lines = renderSignals(r).join('\n').split('\n');
  for (const m of dataset.models) {
    const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
    const on = (idx: number[]) =>
      aurocByPairs(
        idx.map((i) => m.confidence[i]),
        idx.map((i) => m.quality[i]),
      ).toFixed(3);
    const row = lines.find((l) => l.trimStart().startsWith(`${m.name} `))!;
    assert.match(row, new RegExp(`^\\s*${m.name}\\s+probability\\s+${on(rows(0, 200))}\\s+${on(rows(200, 400))}\\s`), row);
    assert.match(row, /learned/);
  }
  const legend = lines.find((l) => l.trimStart().startsWith('learned:'))!;
  assert.equal(
    legend.trim(),
    'learned: not logged but learned from the prompt alone (cheap), from the answer text and the prompt (mid, strong), cross-fitted (so its calibration AUROC is out of fold too); its signal is judged by its held-out AUROC: under 0.55 it carries little signal.',
  );
  assert.match(
    r.diagnosis!.lines.join('\n'),
    /a cross-fitted P\(correct\) from the prompt alone \(cheap\), from the answer text and the prompt \(mid, strong\); the files of cheap keep no answer text\. Its AUROC \(held out\)/,
  );

  // Every model from the prompt alone: said once, without naming the answer text.
  const promptsOnly = { ...ds, models: ds.models.map((m) => ({ ...m, responses: undefined })) };
  const p = learnConfidence(promptsOnly, FIELD);
  const text = renderSignals(analyze(p.dataset, { split: FIELD, learned: p.models, bootstrapResamples: 0 })).join('\n');
  assert.match(text, /learned: not logged but learned from the prompt alone, cross-fitted/);
  assert.doesNotMatch(text, /answer text/);

  // Without a holdout the legend names the calibration AUROC.
  const none = learnConfidence(ds, { kind: 'none' });
  const alone = renderSignals(analyze(none.dataset, { split: { kind: 'none' }, learned: none.models, bootstrapResamples: 0 })).join('\n');
  assert.match(
    alone,
    /learned: not logged but learned from the answer text and the prompt, cross-fitted \(so its calibration AUROC is out of fold too\); its signal is judged by its calibration AUROC/,
  );
});
