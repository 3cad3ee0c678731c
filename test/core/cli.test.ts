import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { repoRoot } from '../support/paths.ts';
import { parseCascadeOption } from '../../src/cli/commands/analyze.ts';
import { allPoints, pareto, readFolder } from '../support/reference.ts';

const examples = resolve(repoRoot, 'examples/mmlu');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s + '\n'), err: (s) => (err += s + '\n') });
  return { code, out, err };
}

test('analyze --json on the bundled MMLU results: stable fields, envelope equal to an independent computation', async () => {
  const { code, out } = await run(['analyze', examples, '--json', '--budget', '0.0002', '--split-field', 'split', '--calibration', 'train', '--holdout', 'test', '--bootstrap', '200']);
  assert.equal(code, 0);
  const r = JSON.parse(out);
  assert.equal(r.version, 1);
  assert.equal(r.n, 1816);
  assert.deepEqual([r.split.nCalibration, r.split.nHoldout], [285, 1531]);
  assert.equal(r.models.length, 9);
  for (const m of r.models) assert.deepEqual(Object.keys(m).slice(0, 4), ['name', 'cost', 'quality', 'n']);
  const data = readFolder(examples);
  const train = data.ids.filter((id) => data.rec.get(data.models[0])!.get(id)!.split === 'train');
  const expected = pareto(allPoints(data, train).points);
  assert.equal(r.envelope.length, expected.length);
  assert.ok(Math.abs(r.envelope[0].cost - expected[0].cost) < 1e-12);
  assert.ok(Math.abs(r.envelope.at(-1).quality - expected.at(-1)!.quality) < 1e-12);
  for (let i = 1; i < r.envelope.length; i++) assert.ok(r.envelope[i].cost > r.envelope[i - 1].cost);
  for (const v of r.envelope) assert.ok(['single', 'pair'].includes(v.policy.kind) && Array.isArray(v.policy.models) && Array.isArray(v.policy.thresholds));
  assert.equal(r.holdout.length, r.envelope.length);
  assert.equal(r.recommendation.feasible, true);
  assert.ok(r.recommendation.choice.cost <= 0.0002);
  assert.ok(r.recommendation.holdout.qualityInterval[0] <= r.recommendation.holdout.quality);
  assert.ok(r.recommendation.holdout.qualityInterval[1] >= r.recommendation.holdout.quality);
  assert.deepEqual(r.warnings, []);
  assert.equal(r.files.length, 9);
});

test('analyze prints a readable report with the recommendation', async () => {
  const { code, out } = await run(['analyze', examples, '--budget', '0.0002', '--bootstrap', '100']);
  assert.equal(code, 0);
  assert.match(out, /calibration: split = "train" \(285 queries\); holdout: split = "test" \(1531 queries\)/);
  assert.match(out, /Recommendation for budget \$0\.0002\/query/);
  assert.match(out, /Deploy .+/);
  assert.match(out, /Is escalation worth it\? (Yes|No)/);
});

test('exit codes: 2 for usage errors, 1 for no usable input, 0 with warnings for bad records', async () => {
  assert.equal((await run([])).code, 2);
  assert.equal((await run(['frobnicate'])).code, 2);
  const noFiles = await run(['analyze']);
  assert.equal(noFiles.code, 2);
  assert.match(noFiles.err, /name at least one evaluation file or folder/);
  const badBudget = await run(['analyze', examples, '--budget', 'cheap']);
  assert.equal(badBudget.code, 2);
  assert.match(badBudget.err, /--budget must be a non-negative number of dollars per query, got "cheap"/);
  const missing = await run(['analyze', '/nonexistent/evals']);
  assert.equal(missing.code, 1);
  assert.doesNotMatch(missing.err, /\n\s+at /, 'no stack trace');
  const dir = mkdtempSync(join(tmpdir(), 'cf-cli-'));
  writeFileSync(join(dir, 'a.jsonl'), '{"id":"1","correct":1,"confidence":0.5,"cost":0.1}\n{"id":"2","correct":0,"confidence":0.1,"cost":0.1}\nnot json\n');
  writeFileSync(join(dir, 'b.jsonl'), '{"id":"1","correct":1,"confidence":0.9,"cost":1}\n{"id":"2","correct":1,"confidence":0.8,"cost":1}\n');
  const partial = await run(['analyze', dir, '--no-split', '--budget', '2']);
  assert.equal(partial.code, 0);
  assert.match(partial.err, /a\.jsonl:3: /);
  assert.match(partial.out, /Deploy a -> b/);
});

test('parseCascadeOption accepts cheap,expensive,threshold and longer chains', () => {
  assert.deepEqual(parseCascadeOption('a,b,0.5'), { kind: 'pair', models: ['a', 'b'], thresholds: [0.5] });
  assert.deepEqual(parseCascadeOption('a,-0.2,b,inf,c'), { kind: 'chain', models: ['a', 'b', 'c'], thresholds: [-0.2, null] });
  assert.throws(() => parseCascadeOption('a,b'), /--cascade takes/);
  assert.throws(() => parseCascadeOption('a,x,b,y,c'), /threshold "x" is not a number/);
});
