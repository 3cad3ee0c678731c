// The pure parts of the editor's first minutes: which files look like eval results, the config
// a new user gets, the keys completed in it, and the budgets offered with their policies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { sniffEvalFile } from '../../src/core/load/sniff.ts';
import { globsNamingFiles, newConfigText } from '../../src/core/config/newConfig.ts';
import { parseCascadeConfig } from '../../src/core/config/config.ts';
import { CONFIG_KEY_DOCS, wholeConfigSnippet, yamlKeyScope } from '../../src/core/config/keys.ts';
import { tradeText } from '../../src/core/format/index.ts';
import { budgetOptions } from '../../src/core/budgetOptions.ts';
import { analyze } from '../../src/core/analyze.ts';
import { loadEvalFiles } from '../../src/core/load/index.ts';
import { repoRoot } from '../support/paths.ts';

const repoPath = (...parts: string[]) => join(repoRoot, ...parts);
const fixtures = repoPath('test', 'fixtures');
const head = (path: string) => readFileSync(path).subarray(0, 65536);

test('sniffEvalFile: records and harness outputs are eval results, other data is not', () => {
  const sniff = (name: string, text: string) => sniffEvalFile(name, Buffer.from(text));
  assert.deepEqual(sniff('gpt-4o.jsonl', '{"id": "q1", "correct": 1, "confidence": -0.2, "cost": 0.001}\n'), { evalResults: true, format: 'jsonl', model: 'gpt-4o' });
  assert.deepEqual(sniff('all.jsonl', '{"id": "q1", "model": "m1", "score": 0.5}\n'), { evalResults: true, format: 'jsonl', model: 'm1' });
  assert.equal(sniff('events.jsonl', '{"ts": 1, "event": "click", "correct": true}\n').evalResults, false, 'no id');
  assert.equal(sniff('ids.jsonl', '{"id": 1, "name": "x"}\n').evalResults, false, 'no correct or score');
  assert.equal(sniff('data.csv', 'id,name,price\n1,a,2\n').evalResults, false);
  assert.deepEqual(sniff('m.csv', 'id,correct,confidence,cost\n1,1,0.2,0.1\n'), { evalResults: true, format: 'csv', model: 'm' });
  assert.deepEqual(sniff('long.csv', 'model,id,correct,confidence,cost\n'), { evalResults: true, format: 'csv' });
  assert.equal(sniff('wide.csv', 'id,split,a.correct,a.confidence,a.cost\n').evalResults, true);
  assert.equal(sniff('package.json', '{"name": "x", "version": "1.0.0"}').evalResults, false);
  assert.equal(sniff('empty.jsonl', '').evalResults, false);
  // A first line longer than the head: the keys are looked for in what there is.
  const long = `{"id": "q1", "correct": 1, "prompt": "${'x'.repeat(70000)}"}`;
  assert.equal(sniffEvalFile('long.jsonl', Buffer.from(long).subarray(0, 65536)).evalResults, true);
  // Gzip is undone as far as the head goes.
  assert.deepEqual(sniffEvalFile('m.jsonl.gz', gzipSync('{"id": "q1", "correct": 0}\n')), { evalResults: true, format: 'jsonl', model: 'm' });
});

test('sniffEvalFile recognises the harness fixtures by content, and their companions as no eval results', () => {
  const lm = join(fixtures, 'adapters', 'lm-eval', 'meta-llama__Llama-3.1-8B-Instruct');
  const samples = readdirSync(lm).find((f) => f.startsWith('samples_'))!;
  const results = readdirSync(lm).find((f) => f.startsWith('results_'))!;
  assert.equal(sniffEvalFile(join(lm, samples), head(join(lm, samples))).evalResults, true);
  assert.equal(sniffEvalFile(join(lm, results), head(join(lm, results))).evalResults, false);
  for (const f of ['promptfoo/results.json', 'promptfoo/results.jsonl', 'inspect/2024-11-05T10-20-30+00-00_arith_deflate.eval', 'openai-evals/arith.dev.v0.jsonl', 'wide/routerbench.csv']) {
    const path = join(fixtures, 'adapters', f);
    const s = sniffEvalFile(path, head(path));
    assert.equal(s.evalResults, true, `${f}: ${JSON.stringify(s)}`);
    assert.ok(s.format && s.format.length > 0, `${f} names its format`);
  }
  const prices = join(fixtures, 'adapters', 'prices', 'openrouter-models.json');
  assert.equal(sniffEvalFile(prices, head(prices)).evalResults, false, 'a price list is no eval results');
});

test('globsNamingFiles names exactly the given files: a folder glob when nothing else there shares the ending', () => {
  assert.deepEqual(globsNamingFiles(['evals/a.jsonl', 'evals/b.jsonl'], ['evals/README.md']), ['evals/*.jsonl']);
  assert.deepEqual(globsNamingFiles(['evals/a.jsonl', 'evals/b.jsonl'], ['evals/notes.jsonl']), ['evals/a.jsonl', 'evals/b.jsonl']);
  assert.deepEqual(globsNamingFiles(['a.csv'], []), ['a.csv']);
  assert.deepEqual(globsNamingFiles(['x/m1.jsonl.gz', 'x/m2.jsonl.gz', 'y/t.csv'], []), ['x/*.jsonl.gz', 'y/t.csv']);
  assert.deepEqual(globsNamingFiles(['runs[1]/a.jsonl'], []), ['runs[[]1[]]/a.jsonl']);
});

test('newConfigText writes a commented config that parses back to what it was given', () => {
  const text = newConfigText({
    evals: ['evals/*.jsonl'],
    split: { kind: 'field', field: 'split', calibration: 'train', holdout: 'test', nCalibration: 285, nHoldout: 1531 },
    budget: 0.000274,
    policy: { kind: 'pair', models: ['llama3.1-70b', 'llama3.1-405b'], thresholds: [-0.29] },
    policyNote: 'Recommended within the budget: 81.4% in-sample.',
  });
  const config = parseCascadeConfig(text, 'yaml');
  assert.deepEqual(config.problems, []);
  assert.deepEqual(
    config.evals?.globs.map((g) => g.value),
    ['evals/*.jsonl'],
  );
  assert.deepEqual(config.split?.value, { kind: 'field', field: 'split', calibration: 'train', holdout: 'test' });
  assert.equal(config.budget?.value, 0.000274);
  assert.deepEqual(
    config.cascade?.stages.map((s) => [s.model?.value, s.threshold?.value]),
    [
      ['llama3.1-70b', -0.29],
      ['llama3.1-405b', undefined],
    ],
  );
  // Every key has a comment line above it; the budget's says what it is per 1k queries.
  const lines = text.split('\n');
  for (const key of ['evals', 'split', 'budget', 'cascade']) {
    const at = lines.findIndex((l) => l.startsWith(`${key}:`));
    assert.match(lines[at - 1], /^#/, `a comment above ${key}`);
  }
  assert.match(text, /\$0\.274 per 1k queries/);
  const random = newConfigText({ evals: ['a.jsonl'], split: { kind: 'random', seed: 1, holdoutFraction: 0.5, nCalibration: 10, nHoldout: 10 } });
  assert.deepEqual(parseCascadeConfig(random, 'yaml').split?.value, { kind: 'random', seed: 1, holdoutFraction: 0.5 });
  assert.deepEqual(parse(random).evals, ['a.jsonl']);
});

test('yamlKeyScope tells where a key is typed; every scope has documented keys', () => {
  const at = (text: string) => {
    const lines = text.split('\n');
    return yamlKeyScope(lines, lines.length - 1);
  };
  assert.equal(at('bud'), 'root');
  assert.equal(at(''), 'root');
  assert.equal(at('cascade:\n  - model: a\n    th'), 'stage');
  assert.equal(at('cascade:\n  - mo'), 'stage');
  assert.equal(at('cascade:\n  - model: a\n    threshold: 1\n  - model: b\n    '), 'stage');
  assert.equal(at('split:\n  fi'), 'split');
  assert.equal(at('prices:\n  gp'), 'prices');
  assert.equal(at('prices:\n  gpt-4o:\n    in'), 'price');
  assert.equal(at('budget: 0.'), undefined, 'after a colon a value is typed');
  assert.equal(at('split: {fi'), undefined);
  for (const scope of ['root', 'split', 'stage', 'price'] as const) assert.ok(CONFIG_KEY_DOCS.some((k) => k.scope === scope));
  // The top-level keys documented are exactly those the parser knows (and the schema lists).
  const schema = JSON.parse(readFileSync(repoPath('schemas', 'cascade-config.schema.json'), 'utf8')) as { properties: Record<string, unknown> };
  assert.deepEqual(
    CONFIG_KEY_DOCS.filter((k) => k.scope === 'root')
      .map((k) => k.key)
      .sort(),
    Object.keys(schema.properties)
      .filter((k) => k !== '$schema')
      .sort(),
  );
  for (const k of CONFIG_KEY_DOCS) assert.ok(!k.doc.includes('\n') && k.doc.length < 200, `${k.key} has a one-line doc`);
});

test('the whole-config snippet, with its placeholders filled, is a valid config', () => {
  const snippet = wholeConfigSnippet(['small', 'large']);
  const filled = snippet
    .replace(/\$\{\d+\|([^,|]+)[^}]*\}/g, '$1')
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$0/g, '');
  const config = parseCascadeConfig(filled, 'yaml');
  assert.deepEqual(config.problems, []);
  assert.deepEqual(
    config.cascade?.stages.map((s) => s.model?.value),
    ['small', 'large'],
  );
});

test('tradeText says what a change buys', () => {
  assert.equal(tradeText(0.004, 0), 'same cost, +0.4 pts');
  assert.equal(tradeText(0.012, 0.00005), '+1.2 pts for +$0.0500 per 1k queries');
  assert.equal(tradeText(-0.003, -0.00008), '−0.3 pts, saves $0.0800 per 1k queries');
});

test('budgetOptions: the hull vertices as budgets, each with the recommendation analyze gives for it', async () => {
  const dir = repoPath('examples', 'workspace', 'evals');
  const loaded = await loadEvalFiles(
    readdirSync(dir).map((f) => join(dir, f)),
    {},
  );
  const split = { kind: 'field', calibration: 'train', holdout: 'test' } as const;
  const options = budgetOptions(loaded.dataset, { split, bootstrapResamples: 0 });
  const full = analyze(loaded.dataset, { split, bootstrapResamples: 0 });
  assert.ok(options.length >= 2 && options.length <= 9);
  // Each hull vertex's cost, rounded up without letting another envelope cost in.
  const decisive = [...full.envelope.map((v) => v.cost), ...full.models.map((m) => m.cost)];
  const hull = [...new Set(full.hull.map((h) => h.cost))];
  assert.equal(options.length, hull.length);
  options.forEach((o, i) => {
    assert.ok(o.budget! >= hull[i]!, `budget ${o.budget} covers the vertex at ${hull[i]}`);
    assert.ok(
      decisive.every((c) => !(c > hull[i]! && c <= o.budget!)),
      `no other envelope cost between ${hull[i]} and ${o.budget}`,
    );
  });
  for (const o of options) {
    const one = analyze(loaded.dataset, { split, budget: o.budget, bootstrapResamples: 0 }).recommendation!;
    assert.deepEqual(o.choice?.policy, one.choice?.policy);
    assert.equal(o.holdout?.quality, one.holdout?.quality);
    assert.equal(o.gainOverBestSingle, one.gainOverBestSingle);
  }
});

test('the config key confidence names how token log-probabilities become a confidence', () => {
  assert.equal(parseCascadeConfig('confidence: min-logprob\n', 'yaml').confidence?.value, 'min-logprob');
  const bad = parseCascadeConfig('confidence: average\n', 'yaml');
  assert.equal(bad.confidence, undefined);
  assert.match(bad.problems[0]?.message ?? '', /confidence must be one of mean-logprob, min-logprob, mean-negentropy, sequence-prob/);
});
