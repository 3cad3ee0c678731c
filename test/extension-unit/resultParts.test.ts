/**
 * A result's long lists travel from the analysis process in parts: put back together they give
 * the result as it was, key order included; a missing part is noticed, never papered over.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resultInParts, ResultParts, isResultPart } from '../../src/extension/resultParts.ts';
import type { AnalysisResult } from '../../src/core/types.ts';

/** A result-shaped object with lists of the given lengths (pairs of `pointsPerPair` points). */
function fakeResult(vertices: number, pairs: number, pointsPerPair: number, holdout = true): AnalysisResult {
  return {
    version: 1,
    n: 10,
    envelope: Array.from({ length: vertices }, (_, i) => ({ cost: i, quality: i / 10 })),
    hull: [{ cost: 0 }],
    pairs: Array.from({ length: pairs }, (_, p) => ({ cheap: `c${p}`, expensive: `e${p}`, points: Array.from({ length: pointsPerPair }, (_, j) => ({ threshold: j })) })),
    ...(holdout ? { holdout: Array.from({ length: vertices }, (_, i) => ({ policy: i })) } : {}),
    warnings: [],
  } as unknown as AnalysisResult;
}

test('resultInParts: lists longer than the rows per part are cut in order; put back, the result is the same, key order included', () => {
  for (const [vertices, pairs, points, rows] of [
    [25, 3, 4, 7],
    [100, 10, 9, 10],
    [1, 1, 30, 5],
    [7, 0, 0, 7],
  ] as const) {
    const result = fakeResult(vertices, pairs, points);
    const { result: rest, parts, counts } = resultInParts(result, rows);
    // Every part within the rows asked (a pair alone larger than that is a part of its own).
    for (const part of parts) {
      const size = part.items.reduce((s: number, item) => s + 1 + ((item as { points?: unknown[] }).points?.length ?? 0), 0);
      assert.ok(part.items.length === 1 || size <= rows, `${part.field}: ${size} rows > ${rows}`);
    }
    for (const field of ['envelope', 'pairs', 'holdout'] as const) {
      const n = (result[field] as unknown[]).length;
      const parted = parts.filter((p) => p.field === field);
      if (counts[field] === undefined) {
        assert.equal(parted.length, 0);
        assert.equal(rest[field], result[field], `${field} travels whole`);
      } else {
        assert.equal(parted.length, counts[field]);
        assert.ok(parted.length > 1);
        assert.deepEqual(rest[field], []);
        assert.equal(
          parted.reduce((s, p) => s + p.items.length, 0),
          n,
        );
      }
    }
    const received = new ResultParts();
    // Parts of another job in between change nothing.
    received.add(99, { field: 'envelope', items: [{ other: true }] });
    for (const part of parts) received.add(1, part);
    const whole = received.take(1, structuredClone(rest), counts);
    assert.equal(JSON.stringify(whole), JSON.stringify(result), `${vertices} vertices, ${pairs} pairs, ${rows} rows`);
    assert.deepEqual(Object.keys(whole!), Object.keys(result));
  }
});

test('ResultParts.take: a missing part, or parts of a list the result does not expect, give no result', () => {
  const result = fakeResult(30, 2, 3);
  const { result: rest, parts, counts } = resultInParts(result, 10);
  assert.ok(parts.length > 3);
  const received = new ResultParts();
  for (const part of parts.slice(1)) received.add(1, part);
  assert.equal(received.take(1, rest, counts), undefined, 'the first part lost');
  // The parts of a job are forgotten once taken: asking again finds none.
  for (const part of parts) received.add(2, part);
  assert.ok(received.take(2, rest, counts));
  assert.equal(received.take(2, rest, counts), undefined);
  // A result sent whole takes no parts, and is given back as it came.
  const small = fakeResult(3, 1, 1);
  const sent = resultInParts(small, 100);
  assert.equal(sent.parts.length, 0);
  assert.equal(new ResultParts().take(3, sent.result, undefined), sent.result);
});

test('isResultPart: only the known lists, with items', () => {
  assert.equal(isResultPart({ field: 'envelope', items: [] }), true);
  assert.equal(isResultPart({ field: 'models', items: [] }), false);
  assert.equal(isResultPart({ field: 'pairs', items: 'x' }), false);
  assert.equal(isResultPart({}), false);
});
