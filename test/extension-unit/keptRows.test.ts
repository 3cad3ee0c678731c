/**
 * A result's long lists sent without the items the host holds already: put back from the
 * host's copy, they are the lists a whole send gives, value for value and key order included;
 * an item is left out only when it is the same as the one at its position, and lists that do
 * not fit are noticed, never papered over.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../src/core/stats.ts';
import { isDeepStrictEqual } from 'node:util';
import { keptCount, listsOf, RecentLists, withKeptRows, withoutKeptRows } from '../../src/extension/keptRows.ts';
import { sameValue } from '../../src/protocolRows.ts';
import type { AnalysisResult } from '../../src/core/types.ts';

const vertex = (i: number, tweak = 0) => ({ cost: i / 100 + tweak, quality: 0.5 + i / 1000, shadowPrice: { left: i, right: null }, policy: { kind: 'pair', models: ['a', 'b'], thresholds: [i / 7] } });
const pair = (p: number, points: number, tweak = 0) => ({ cheap: `c${p}`, expensive: `e${p}`, points: Array.from({ length: points }, (_, j) => ({ threshold: j + tweak, cost: j / 3 })) });

function result(envelope: unknown[], pairs: unknown[], holdout?: unknown[]): AnalysisResult {
  return { version: 1, n: 10, envelope, hull: [{ cost: 0 }], pairs, ...(holdout ? { holdout } : {}), warnings: [] } as unknown as AnalysisResult;
}

/** What the channel does to a message: a structured clone. */
const overTheChannel = <T>(v: T): T => structuredClone(v);

test('sameValue: numbers as a structured clone keeps them (-0 is not 0, NaN is NaN), arrays item by item, records key by key in order', () => {
  assert.equal(sameValue(0, -0), false);
  assert.equal(sameValue(NaN, NaN), true);
  assert.equal(sameValue(Infinity, Infinity), true);
  assert.equal(sameValue(null, undefined), false);
  assert.equal(sameValue({ a: 1, b: [1, 2] }, { a: 1, b: [1, 2] }), true);
  assert.equal(sameValue({ a: 1, b: 2 }, { b: 2, a: 1 }), false, 'key order is part of the value (the result is compared as JSON)');
  assert.equal(sameValue({ a: 1 }, { a: 1, b: undefined }), false);
  assert.equal(sameValue([1, 2], { 0: 1, 1: 2 }), false);
  assert.equal(sameValue([1, [2, { c: 'x' }]], [1, [2, { c: 'y' }]]), false);
  assert.equal(sameValue('1', 1), false);
});

test('withoutKeptRows then withKeptRows: the lists a whole send gives, for lists that grow, shrink, change in places or not at all', () => {
  const draw = seededRandom(7);
  for (let round = 0; round < 60; round++) {
    const n = Math.floor(draw() * 40);
    const before = Array.from({ length: n }, (_, i) => vertex(i));
    // The next list: a common start, then changes, insertions and a tail of another length.
    const next = before.map((v, i) => (draw() < 0.2 ? vertex(i, 0.5) : draw() < 0.05 ? { ...v, cost: -0 } : v));
    const grow = Math.floor(draw() * 6) - 3;
    if (grow > 0) next.push(...Array.from({ length: grow }, (_, i) => vertex(n + i)));
    else next.splice(next.length + grow, -grow);
    const pairsBefore = Array.from({ length: 6 }, (_, p) => pair(p, 3 + p));
    const pairsNext = pairsBefore.map((x, p) => (draw() < 0.3 ? pair(p, 3 + p, 1) : x));
    const holdout = draw() < 0.5 ? next.map((v) => ({ cost: v.cost })) : undefined;
    const old = result(
      before,
      pairsBefore,
      before.map((v) => ({ cost: v.cost })),
    );
    const fresh = result(
      next.map((v) => overTheChannel(v)),
      pairsNext.map((x) => overTheChannel(x)),
      holdout,
    );
    const { result: lean, kept } = withoutKeptRows(fresh, listsOf(old), 41);
    // Kept: exactly the items equal (strictly: -0 is not 0) to the old list's at the same position; the rest sent, in order.
    let equal = 0;
    let total = 0;
    for (const field of ['envelope', 'pairs', 'holdout'] as const) {
      const list = (fresh[field] as unknown[] | undefined) ?? [];
      const previous = (old[field] as unknown[] | undefined) ?? [];
      const differing = list.filter((x, i) => !(i < previous.length && isDeepStrictEqual(x, previous[i])));
      equal += list.length - differing.length;
      total += list.length;
      if (kept?.runs[field]) assert.deepEqual(lean[field], differing);
      else assert.equal(lean[field], fresh[field]);
    }
    if (!kept) {
      assert.equal(equal, 0);
      assert.equal(lean, fresh, 'nothing kept: the result as it is');
      continue;
    }
    assert.equal(kept.from, 41);
    assert.equal(keptCount(kept), equal);
    assert.ok(equal > 0 && equal <= total);
    const back = withKeptRows(overTheChannel(lean), overTheChannel(kept), listsOf(old));
    assert.ok(back, `round ${round}: the lists fit`);
    assert.deepEqual(back, fresh);
    assert.equal(JSON.stringify(back), JSON.stringify(fresh));
    // -0 travels as -0: a kept 0 never stands for it.
    back.envelope.forEach((v, i) => assert.ok(Object.is((v as { cost: number }).cost, (fresh.envelope[i] as { cost: number }).cost)));
  }
});

test('withoutKeptRows keeps the common start of an envelope and the unchanged pairs, and sends the rest', () => {
  const before = result(
    Array.from({ length: 100 }, (_, i) => vertex(i)),
    Array.from({ length: 4 }, (_, p) => pair(p, 5)),
  );
  const after = result([...Array.from({ length: 70 }, (_, i) => vertex(i)), ...Array.from({ length: 31 }, (_, i) => vertex(70 + i, 1))], [pair(0, 5), pair(1, 5, 2), pair(2, 5), pair(3, 5, 2)]);
  const { result: lean, kept } = withoutKeptRows(overTheChannel(after), listsOf(before), 3);
  assert.deepEqual(kept?.runs, {
    envelope: [[0, 70]],
    pairs: [
      [0, 1],
      [2, 3],
    ],
  });
  assert.deepEqual(kept?.lengths, { envelope: 101, pairs: 4 });
  assert.equal(lean.envelope.length, 31);
  assert.deepEqual(
    lean.pairs.map((p) => p.cheap),
    ['c1', 'c3'],
  );
  const back = withKeptRows(lean, kept!, listsOf(before))!;
  assert.equal(JSON.stringify(back), JSON.stringify(after));
  // The kept items are the host's own objects.
  assert.equal(back.envelope[0], before.envelope[0]);
  assert.equal(back.pairs[2], before.pairs[2]);
});

test('withKeptRows: lists that do not fit give undefined, never a made-up list', () => {
  const before = result(
    Array.from({ length: 10 }, (_, i) => vertex(i)),
    [],
  );
  const after = result([...Array.from({ length: 6 }, (_, i) => vertex(i)), vertex(6, 1), vertex(7, 1)], []);
  const { result: lean, kept } = withoutKeptRows(after, listsOf(before), 1);
  assert.ok(kept);
  assert.ok(withKeptRows(lean, kept, listsOf(before)));
  // The host's copy is shorter than the runs say.
  assert.equal(withKeptRows(lean, kept, { envelope: before.envelope.slice(0, 3) }), undefined);
  // An item missing, or one too many.
  assert.equal(withKeptRows({ ...lean, envelope: lean.envelope.slice(1) }, kept, listsOf(before)), undefined);
  assert.equal(withKeptRows({ ...lean, envelope: [...lean.envelope, vertex(9)] } as unknown as AnalysisResult, kept, listsOf(before)), undefined);
  // Runs out of order, or past the list's length.
  assert.equal(
    withKeptRows(
      lean,
      {
        ...kept,
        runs: {
          envelope: [
            [3, 6],
            [0, 2],
          ],
        },
      },
      listsOf(before),
    ),
    undefined,
  );
  assert.equal(withKeptRows(lean, { ...kept, lengths: { envelope: 5 } }, listsOf(before)), undefined);
  // No copy of a list the runs name.
  assert.equal(withKeptRows(lean, kept, {}), undefined);
});

test('RecentLists keeps the last few, the oldest let go first', () => {
  const recent = new RecentLists(2);
  assert.equal(recent.last, undefined);
  recent.remember(1, { envelope: [1] });
  recent.remember(2, { envelope: [2] });
  recent.remember(3, { envelope: [3] });
  assert.equal(recent.get(1), undefined);
  assert.deepEqual(recent.get(2), { envelope: [2] });
  assert.equal(recent.last, 3);
  recent.remember(2, { envelope: [22] });
  assert.equal(recent.last, 2);
  recent.clear();
  assert.equal(recent.get(2), undefined);
});
