/**
 * A new result's envelope rows sent to the panel without those it holds: put back from the rows
 * it received last, the snapshot is the one a whole send delivers through the editor's channel,
 * save after save; a row is left out only when it is the same, and rows that do not fit are
 * noticed, never papered over.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../src/core/stats.ts';
import { isDeepStrictEqual } from 'node:util';
import { analyze } from '../../src/core/analyze.ts';
import type { AnalysisResult, Dataset, ModelColumns } from '../../src/core/types.ts';
import { toFrontierSnapshot } from '../../src/extension/panel/panelData.ts';
import type { AnalysisSnapshot } from '../../src/extension/analysisSource.ts';
import { decodeWire, encodeWire } from '../../src/protocolEndpoint.ts';
import { envelopeRowsOf, leaveOutHeldRows, putBackHeldRows, type EnvelopeRows } from '../../src/protocolRows.ts';
import { isFrontierSnapshot, type FrontierSnapshot } from '../../src/protocol.ts';

/** Three models on `n` queries: two cheap ones with confidences that tell right from wrong, one dear one. Large enough an envelope to be thinned for the panel. */
function dataset(n: number): Dataset {
  const draw = seededRandom(11);
  const model = (name: string, cost: number, skill: number): ModelColumns => {
    const quality = new Float64Array(n);
    const confidence = new Float64Array(n);
    const costs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const right = draw() < skill;
      quality[i] = right ? 1 : 0;
      confidence[i] = (right ? 0.3 : 0) + draw();
      costs[i] = cost * (0.5 + draw());
    }
    return { name, quality, confidence, cost: costs };
  };
  return { n, ids: Array.from({ length: n }, (_, i) => `q${i}`), models: [model('a', 1e-4, 0.55), model('b', 4e-4, 0.7), model('c', 2e-3, 0.85)] };
}

/** `ds` with the dearest model's answer made right on `count` more queries (a save of its file). */
function save(ds: Dataset, round: number, count: number): Dataset {
  const models = ds.models.map((m) => {
    if (m.name !== 'c') return m;
    const quality = Float64Array.from(m.quality);
    let changed = 0;
    for (let i = (round * 7919) % ds.n; changed < count; i = (i + 13) % ds.n) {
      if (quality[i] === 0) {
        quality[i] = 1;
        changed++;
      }
    }
    return { ...m, quality };
  });
  return { ...ds, models };
}

const OPTIONS = { split: { kind: 'random', holdoutFraction: 0.5, seed: 5 }, bootstrapResamples: 0, budget: 3e-4 } as const;

function analysisSnapshot(result: AnalysisResult, computedAt: number): AnalysisSnapshot {
  return { key: 'file:///w/cascade.yaml', label: 'cascade.yaml', result, files: [], issues: [], status: 'idle', computedAt };
}

/** A message through the panel's channel (packed, as the editor delivers it). */
const overTheChannel = (s: FrontierSnapshot): FrontierSnapshot => decodeWire(structuredClone(encodeWire(s, true))) as FrontierSnapshot;

test('save after save: the rows left out and put back give the snapshot a whole send delivers, and most rows stay behind', () => {
  let ds = dataset(40_000);
  let hostHeld: EnvelopeRows | undefined;
  let panelHeld: EnvelopeRows | undefined;
  let previous: FrontierSnapshot | undefined;
  for (let round = 0; round < 4; round++) {
    const result = analyze(ds, OPTIONS);
    const whole = toFrontierSnapshot(analysisSnapshot(result, round));
    assert.ok(whole.envelopeKept, 'the envelope is thinned for the panel');
    assert.ok(whole.envelopeHoldout, 'with its held-out figures');
    const { snapshot: lean, rows } = leaveOutHeldRows(whole, hostHeld);
    hostHeld = rows;
    const arrived = overTheChannel(lean);
    assert.ok(isFrontierSnapshot(arrived), `round ${round}: the lean snapshot passes the protocol's checks`);
    const back = putBackHeldRows(arrived, panelHeld);
    assert.ok(back, `round ${round}: the rows fit`);
    panelHeld = back.rows;
    assert.deepEqual(back.snapshot, overTheChannel(whole), `round ${round}`);
    assert.equal(JSON.stringify(back.snapshot), JSON.stringify(overTheChannel(whole)));
    if (round === 0) assert.equal(lean, whole, 'nothing held: the snapshot goes whole');
    else {
      // Kept: exactly the rows that are the previous snapshot's at the same position (counted here with Node's strict deep equality).
      const was = envelopeRowsOf(previous!)!;
      const now = envelopeRowsOf(whole)!;
      const same = now.vertices.filter(
        (v, i) =>
          i < was.vertices.length &&
          isDeepStrictEqual(v, was.vertices[i]) &&
          isDeepStrictEqual(now.holdout![i], was.holdout![i]) &&
          now.indices![i] === was.indices![i] &&
          Object.is(now.nextCosts![i], was.nextCosts![i]),
      ).length;
      assert.ok(same > 0, `round ${round}: some rows are the same`);
      assert.ok(lean.rowsKept, `round ${round}: rows kept`);
      assert.equal(
        lean.rowsKept.runs.reduce((s, [a, b]) => s + b - a, 0),
        same,
      );
      assert.equal(lean.result!.envelope.length, now.vertices.length - same);
    }
    previous = whole;
    ds = save(ds, round, 3);
  }
});

test('a row is kept only when it is the same row: the vertex, its held-out figures, and its place', () => {
  const result = analyze(dataset(40_000), OPTIONS);
  const whole = toFrontierSnapshot(analysisSnapshot(result, 1));
  const held = envelopeRowsOf(whole)!;
  const n = held.vertices.length;
  // The same snapshot: every row kept.
  const same = leaveOutHeldRows(whole, held).snapshot;
  assert.deepEqual(same.rowsKept, { runs: [[0, n]], length: n });
  assert.equal(same.result!.envelope.length, 0);
  // One vertex's cost, one held-out figure, one place's next cost, and -0 for 0: each of those rows goes.
  const vertices = held.vertices.map((v, i) => (i === 3 ? { ...v, cost: v.cost * 1.5 } : v));
  const holdout = held.holdout!.map((h, i) => (i === 7 ? { ...h, quality: h.quality + 0.01 } : h));
  const nextCosts = held.nextCosts!.map((c, i) => (i === 11 ? (c ?? 0) + 1 : c));
  const edited: FrontierSnapshot = {
    ...whole,
    result: { ...whole.result!, envelope: vertices.map((v, i) => (i === 12 && v.escalationRate === 0 ? { ...v, escalationRate: -0 } : v)) },
    envelopeHoldout: holdout,
    envelopeKept: { ...whole.envelopeKept!, nextCosts },
  };
  const lean = leaveOutHeldRows(edited, held).snapshot;
  const sentAt = lean.result!.envelope.map((v) => vertices.indexOf(v));
  assert.deepEqual(sentAt.slice(0, 3), [3, 7, 11]);
  const back = putBackHeldRows(overTheChannel(lean), envelopeRowsOf(overTheChannel(whole)));
  assert.deepEqual(back?.snapshot, overTheChannel(edited));
});

test('rows that do not fit give undefined: nothing held, another kind of rows, runs past the held rows, rows that do not add up', () => {
  const first = toFrontierSnapshot(analysisSnapshot(analyze(dataset(40_000), OPTIONS), 1));
  const second = toFrontierSnapshot(analysisSnapshot(analyze(save(dataset(40_000), 0, 5), OPTIONS), 2));
  const held = envelopeRowsOf(first)!;
  const lean = leaveOutHeldRows(second, held).snapshot;
  assert.ok(lean.rowsKept);
  assert.ok(putBackHeldRows(lean, held));
  assert.equal(putBackHeldRows(lean, undefined), undefined);
  const { holdout: _h, ...withoutHoldout } = held;
  assert.equal(putBackHeldRows(lean, withoutHoldout), undefined);
  assert.equal(putBackHeldRows(lean, { ...held, vertices: held.vertices.slice(0, 2), holdout: held.holdout!.slice(0, 2) }), undefined);
  const fewer = { ...lean, result: { ...lean.result!, envelope: lean.result!.envelope.slice(1) }, envelopeHoldout: lean.envelopeHoldout!.slice(1) };
  assert.equal(putBackHeldRows(fewer, held), undefined);
  assert.equal(putBackHeldRows({ ...lean, rowsKept: { ...lean.rowsKept, length: lean.rowsKept.length + 1 } }, held), undefined);
  // Places that would not ascend once put back.
  const shuffled = { ...held, indices: [...held.indices!].reverse() };
  assert.equal(putBackHeldRows(lean, shuffled), undefined);
  // A snapshot without kept rows is taken as it is, its rows held.
  const plain = putBackHeldRows(first, undefined);
  assert.equal(plain?.snapshot, first);
  assert.deepEqual(plain?.rows, held);
});
