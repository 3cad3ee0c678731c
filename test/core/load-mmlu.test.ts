/**
 * The reference data (`../shared/data` beside the repository, and the bundled copy in
 * `examples/mmlu`): counts, and every value compared with JSON.parse of the files, read here
 * independently of the loader.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEvalFiles } from '../../src/core/load/index.ts';
import { repoRoot, sharedData } from '../support/paths.ts';

const MODELS = ['gpt-4o', 'gpt-4o-mini', 'llama3.1-405b', 'llama3.1-70b', 'llama3.1-8b', 'llama3.2-1b', 'llama3.2-3b', 'qwen2.5-32b-coder-instruct', 'qwen2.5-72b-instruct'];

interface Line {
  id: string;
  split: string;
  prompt: string;
  correct: number;
  confidence: number;
  cost: number;
  latency_ms: number;
  tokens_in: number;
  tokens_out: number;
}

const readLines = (file: string): Line[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Line);

// The bundled copy always; the shared one as well when it is beside the repository.
const sharedMmlu = join(sharedData, 'mmlu');
for (const [label, dir] of [['bundled', join(repoRoot, 'examples/mmlu')] as const, ...(existsSync(sharedMmlu) ? [['shared', sharedMmlu] as const] : [])]) {
  test(`mmlu (${label}): 9 models, 1816 queries, 285 train / 1531 test, no problems`, async () => {
    const { dataset: d, issues, files } = await loadEvalFiles([dir]);
    assert.deepEqual(issues, []);
    assert.deepEqual(
      d.models.map((m) => m.name),
      MODELS,
    );
    assert.equal(d.n, 1816);
    assert.equal(d.ids.length, 1816);
    const codes = [...d.splitCodes!];
    assert.equal(codes.filter((c) => d.splitNames![c] === 'train').length, 285);
    assert.equal(codes.filter((c) => d.splitNames![c] === 'test').length, 1531);
    assert.ok(files.every((f) => f.format === 'jsonl' && f.records === 1816 && f.rejected === 0 && f.missing.length === 0));
  });

  test(`mmlu (${label}): every value equals JSON.parse of its line`, async () => {
    const { dataset: d } = await loadEvalFiles([dir]);
    // Query order: the order of the first file (gpt-4o-mini.jsonl sorts first).
    const first = readLines(join(dir, 'gpt-4o-mini.jsonl'));
    assert.deepEqual(
      d.ids,
      first.map((r) => r.id),
    );
    assert.deepEqual(
      d.prompts,
      first.map((r) => r.prompt),
    );
    for (const name of MODELS) {
      const byId = new Map(readLines(join(dir, `${name}.jsonl`)).map((r) => [r.id, r]));
      const m = d.models.find((x) => x.name === name)!;
      d.ids.forEach((id, i) => {
        const r = byId.get(id)!;
        assert.equal(m.quality[i], r.correct, `${name} ${id} correct`);
        assert.equal(m.confidence[i], r.confidence, `${name} ${id} confidence`);
        assert.equal(m.cost[i], r.cost, `${name} ${id} cost`);
        assert.equal(m.latencyMs![i], r.latency_ms);
        assert.equal(m.tokensIn![i], r.tokens_in);
        assert.equal(m.tokensOut![i], r.tokens_out);
        assert.equal(d.splitNames![d.splitCodes![i]!], r.split);
      });
    }
  });

  test(`mmlu (${label}): two values read by hand from fixed lines`, async () => {
    const { dataset: d } = await loadEvalFiles([dir]);
    const line = (file: string, n: number): Line => JSON.parse(readFileSync(join(dir, file), 'utf8').split('\n')[n - 1]!) as Line;
    const gpt4o = line('gpt-4o.jsonl', 1);
    const i = d.ids.indexOf(gpt4o.id);
    assert.equal(d.models.find((m) => m.name === 'gpt-4o')!.cost[i], gpt4o.cost);
    const llama = line('llama3.2-1b.jsonl', 1816);
    const j = d.ids.indexOf(llama.id);
    assert.equal(d.models.find((m) => m.name === 'llama3.2-1b')!.confidence[j], llama.confidence);
  });
}
