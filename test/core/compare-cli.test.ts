import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCompare } from '../../src/cli/commands/compare.ts';
import { main } from '../../src/cli/main.ts';
import type { ComparisonResult } from '../../src/core/compare/types.ts';

function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

/** A folder with one JSONL file per model: 120 queries, a train/test split field and prompts. */
function writeEvalFolder(withPrompts: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'cf-compare-'));
  const r = lcg(9);
  const models = [
    ['cheap', 0.55, 1e-5],
    ['mid', 0.7, 4e-5],
    ['dear', 0.85, 2e-4],
  ] as const;
  const rows: string[][] = models.map(() => []);
  for (let i = 0; i < 120; i++) {
    const hard = r();
    models.forEach(([, skill, price], m) => {
      const correct = r() < skill + 0.3 * (0.5 - hard) ? 1 : 0;
      const rec: Record<string, unknown> = {
        id: `q${i}`,
        split: i % 3 === 0 ? 'train' : 'test',
        correct,
        confidence: Math.log(0.3 + 0.6 * (correct ? r() * 0.5 + 0.5 : r() * 0.6)),
        cost: price * (0.9 + 0.2 * r()),
      };
      if (withPrompts) rec.prompt = `${hard > 0.5 ? 'difficult' : 'simple'} question ${i}`;
      rows[m].push(JSON.stringify(rec));
    });
  }
  models.forEach(([name], m) => writeFileSync(join(dir, `${name}.jsonl`), rows[m].join('\n') + '\n'));
  return dir;
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
}

test('compare CLI: prints the comparison with intervals, verdicts and the legend', async () => {
  const dir = writeEvalFolder(true);
  try {
    const c = capture();
    const code = await runCompare([dir, '--split-field', 'split', '--calibration', 'train', '--holdout', 'test', '--bootstrap', '50'], c.io);
    assert.equal(code, 0);
    const text = c.out.join('\n');
    assert.match(text, /40 queries\); holdout: split = "test" \(80 queries\)/);
    for (const label of ['best single model', 'pairwise envelope', 'full fixed chain', 'best subsequence', 'pre-generation router', 'perfect-routing bound (bound)']) {
      assert.ok(text.includes(label), label);
    }
    assert.match(text, /Is escalation worth it across all budgets\?/);
    assert.match(text, /Does the pre-generation router beat the best cascade\?/);
    assert.match(text, /95% bootstrap intervals, 50 resamples/);
    assert.match(text, /area: mean over log cost/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('compare CLI: --json prints every curve and figure; the router is unavailable without prompts', async () => {
  const dir = writeEvalFolder(false);
  try {
    const c = capture();
    assert.equal(await main(['compare', dir, '--json', '--bootstrap', '20'], c.io), 0);
    const result = JSON.parse(c.out.join('\n')) as ComparisonResult & { files: unknown[] };
    assert.equal(result.version, 1);
    assert.equal(result.files.length, 3);
    assert.equal(result.families.length, 6);
    const router = result.families.find((f) => f.id === 'router')!;
    assert.equal(router.available, false);
    assert.match(router.reason!, /prompt/);
    const envelope = result.families.find((f) => f.id === 'envelope')!;
    assert.ok(envelope.holdout.length > 0 && envelope.holdout.every((p) => p.policy && p.calibration));
    assert.ok(envelope.area.interval);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('compare CLI: exit codes 2 for wrong usage and 1 for unusable input', async () => {
  let c = capture();
  assert.equal(await main(['compare'], c.io), 2);
  c = capture();
  assert.equal(await main(['compare', 'x', '--max-subsequence', '0'], c.io), 2);
  assert.match(c.err.join('\n'), /--max-subsequence must be a whole number from 1 to 6/);
  c = capture();
  assert.equal(await main(['compare', 'x', '--router-features', 'bag'], c.io), 2);
  c = capture();
  assert.equal(await main(['compare', join(tmpdir(), 'no-such-folder-cf')], c.io), 1);
});
