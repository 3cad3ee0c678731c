import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AnalysisResult, EnvelopeVertex } from '../../src/core/types.ts';
import { ENVELOPE_COLUMNS, ENVELOPE_ROWS, ENVELOPE_TABLE_ROWS, envelopeToSend, groupedMarkerIndices, spanRange, THIN_ENVELOPE_ABOVE } from '../../src/core/envelopeThinning.ts';
import { budgetRange, sliderToBudget, SLIDER_STEPS } from '../../src/core/budgetScale.ts';
import { forPanel, toFrontierSnapshot, wholeEnvelope } from '../../src/extension/panel/panelData.ts';
import { isFrontierSnapshot, type FrontierSnapshot } from '../../src/protocol.ts';
import { fromHost } from '../../webview/controller.ts';
import { envelopeKept, envelopeTotal, positionOf, vertexAt, vertexWithin, withEnvelopeAdded, withWholeEnvelope } from '../../webview/envelopeIndex.ts';
import { recommendForBudget } from '../../webview/recommendation.ts';
import { fixtureResult, pair, single } from './webview.fixture.ts';
import { seededRandom as random } from '../../src/core/stats.ts';

/**
 * A large envelope written out by a generator (not by the core): `n` vertices of rising cost
 * and quality between the fixture's models A (cost 1) and C (cost 4), bunched in places as a
 * real one is, with noisy held-out figures, a few switching points and hull vertices, the
 * recommendation and the budget grid's picks on vertices in the middle of a bunch.
 */
function largeResult(n: number, seed = 7): AnalysisResult {
  const rnd = random(seed);
  const base = fixtureResult();
  const env: EnvelopeVertex[] = [];
  let cost = 1;
  let quality = 0.5;
  const steps = Array.from({ length: n - 1 }, () => (rnd() < 0.8 ? rnd() * 1e-4 : rnd() * 1e-2));
  const total = steps.reduce((a, b) => a + b, 0);
  for (let i = 0; i < n; i++) {
    const policy = i === 0 ? single('A') : i === n - 1 ? single('C') : pair(i < n / 2 ? 'A' : 'B', 'C', Math.round((1 - i / n) * 1e6) / 1e6);
    env.push({ cost, quality, escalationRate: i / n, policy, shadowPrice: { lambdaLeft: 0.1, lambdaRight: 0.1, muLeft: 10, muRight: 10 }, onHull: i % 97 === 0 });
    if (i < n - 1) {
      cost += (steps[i] * 3) / total;
      quality += (0.3 / n) * (0.5 + rnd());
    }
  }
  env[n - 1] = { ...env[n - 1], cost: 4 };
  // Held-out figures drift from the calibration ones as neighbouring thresholds share most queries: a slow random walk.
  let drift = 0;
  const holdout = env.map((v) => {
    drift = Math.max(-0.01, Math.min(0.01, drift + (rnd() - 0.5) * 2e-4));
    return { policy: v.policy, calibration: { cost: v.cost, quality: v.quality }, holdout: { n: 100, cost: v.cost * (1 + drift), quality: v.quality + drift, escalationRate: v.escalationRate } };
  });
  const at = (i: number) => env[i];
  const rec = Math.floor(n * 0.41);
  const pickAt = [Math.floor(n * 0.13), Math.floor(n * 0.77) + 1];
  return {
    ...base,
    envelope: env,
    holdout,
    hull: [0, Math.floor(n / 3), n - 1].map((i, k, all) => ({ cost: at(i).cost, quality: at(i).quality, policy: at(i).policy, randomizedToNext: k < all.length - 1 })),
    switchingPoints: [Math.floor(n / 2)].map((i) => ({ budget: at(i).cost, from: at(i - 1).policy, to: at(i).policy })),
    recommendation: { ...base.recommendation!, rule: 'noise-aware', budget: at(rec).cost + 1e-9, envelopeIndex: rec, choice: at(rec) },
    budgetPicks: pickAt.map((i) => ({
      budget: at(i).cost,
      feasible: true,
      envelopeIndex: i,
      choice: { policy: at(i).policy, cost: at(i).cost, quality: at(i).quality, escalationRate: at(i).escalationRate },
    })) as unknown as AnalysisResult['budgetPicks'],
  };
}

/** The last vertex whose cost is at most `budget`, by a scan (-1 when none). */
function withinByScan(env: readonly EnvelopeVertex[], budget: number): number {
  let found = -1;
  for (let i = 0; i < env.length; i++) if (env[i].cost <= budget) found = i;
  return found;
}

/** The column of `v` on a grid of `columns` between lo and hi, written out again here. */
function column(v: number, lo: number, hi: number, columns: number, log: boolean): number {
  const f = log ? (Math.log(Math.max(v, lo)) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (v - lo) / (hi - lo);
  return Math.min(columns - 1, Math.max(0, Math.floor(f * columns)));
}

/** The snapshot of `result` as the panel receives it over the wire and keeps it. */
function received(result: AnalysisResult, selected?: EnvelopeVertex['policy'], budgets: number[] = []): FrontierSnapshot {
  const sent = toFrontierSnapshot({ key: 'k', label: 'k', result, files: [], issues: [], status: 'idle' }, undefined, undefined, { ...(selected ? { selected } : {}), budgets });
  const wire = JSON.parse(JSON.stringify(sent)) as FrontierSnapshot;
  assert.ok(isFrontierSnapshot(wire));
  return fromHost(wire);
}

describe('the envelope the panel receives, thinned', () => {
  const n = 6000;
  const result = largeResult(n);
  const env = result.envelope;
  const heldFigures = result.holdout!.map((h) => h.holdout);
  const keep = envelopeToSend(result, { holdout: heldFigures })!;
  const kept = new Set(keep);

  it('leaves a small envelope whole, and thins a large one to fewer vertices', () => {
    assert.equal(envelopeToSend(largeResult(THIN_ENVELOPE_ABOVE)), undefined);
    assert.ok(keep.length < n * 0.75, `kept ${keep.length} of ${n}`);
    assert.deepEqual(
      keep,
      [...keep].sort((a, b) => a - b),
    );
  });

  it("keeps the table's rows, the last vertex, the recommendation's, the picks', the selection's and the single models'", () => {
    for (let i = 0; i < ENVELOPE_TABLE_ROWS; i++) assert.ok(kept.has(i), `row ${i}`);
    assert.ok(kept.has(n - 1));
    assert.ok(kept.has(result.recommendation!.envelopeIndex!));
    for (const p of result.budgetPicks!) assert.ok(kept.has(p.envelopeIndex!));
    env.forEach((v, i) => v.policy.kind === 'single' && assert.ok(kept.has(i)));
    const chosen = env.findIndex((_, i) => i > n / 3 && !kept.has(i));
    assert.ok(chosen > 0, 'a vertex left out without a selection');
    assert.ok(envelopeToSend(result, { selected: env[chosen].policy })!.includes(chosen));
  });

  it('keeps the vertex within every budget of the slider, of the config and of the panel, and the panel finds it', () => {
    const s = received(result, undefined, [2.5]);
    const r = s.result!;
    const range = budgetRange(result);
    const budgets = [...Array.from({ length: SLIDER_STEPS + 1 }, (_, p) => sliderToBudget(p, range)), 2.5, result.recommendation!.budget!];
    for (const b of budgets) {
      const i = withinByScan(env, b);
      assert.ok(i < 0 || kept.has(i), `budget ${b}`);
      assert.equal(vertexWithin(r, b), i, `budget ${b}`);
    }
    // Any other budget: the vertex within it, or "not held" (never another one).
    const rnd = random(3);
    let unknown = 0;
    for (let k = 0; k < 5000; k++) {
      const b = 0.5 + rnd() * 4;
      const got = vertexWithin(r, b);
      if (got === undefined) unknown++;
      else assert.equal(got, withinByScan(env, b), `budget ${b}`);
    }
    assert.ok(unknown > 0, 'some budgets fall between vertices held');
  });

  it('leaves out only vertices in one column of the cost grid and one cell of the held-out grid with both neighbours kept', () => {
    const lo = env[0].cost;
    const hi = env[n - 1].cost;
    const hc = heldFigures.map((h) => h.cost);
    const hq = heldFigures.map((h) => h.quality);
    const [cLo, cHi, qLo, qHi] = [Math.min(...hc), Math.max(...hc), Math.min(...hq), Math.max(...hq)];
    for (let k = 0; k + 1 < keep.length; k++) {
      const a = keep[k];
      const b = keep[k + 1];
      for (let i = a + 1; i < b; i++) {
        for (const log of [false, true]) {
          const col = (j: number) => column(env[j].cost, lo, hi, ENVELOPE_COLUMNS, log);
          assert.ok(col(i) === col(a) && col(i) === col(b), `vertex ${i} between ${a} and ${b} (log ${log})`);
          const cell = (j: number) => `${column(hc[j], log ? cLo : cLo, cHi, ENVELOPE_COLUMNS, log)}:${column(hq[j], qLo, qHi, ENVELOPE_ROWS, false)}`;
          assert.equal(cell(i), cell(a), `held-out ${i} (log ${log})`);
          assert.equal(cell(i), cell(b), `held-out ${i} (log ${log})`);
        }
      }
    }
    // The extremes of the held-out figures (the chart's axes) are there.
    for (const i of [hc.indexOf(cLo), hc.indexOf(cHi), hq.indexOf(qLo), hq.indexOf(qHi)]) assert.ok(kept.has(i));
  });

  it('maps every index the panel uses back to the right policy, with its held-out figures', () => {
    const s = received(result);
    const r = s.result!;
    assert.equal(envelopeTotal(r), n);
    assert.deepEqual(envelopeKept(r)?.indices, keep);
    for (let i = 0; i < n; i++) {
      const v = vertexAt(r, i);
      if (!kept.has(i)) {
        assert.equal(v, undefined);
        assert.equal(positionOf(r, i), -1);
        continue;
      }
      assert.deepEqual(v, env[i]);
      assert.deepEqual(r.holdout![positionOf(r, i)].holdout, heldFigures[i]);
    }
    // The recommendation at its budget is its vertex; each pick's at its budget is the pick's.
    const rec = recommendForBudget(r, result.recommendation!.budget!);
    assert.equal(rec.index, result.recommendation!.envelopeIndex);
    assert.deepEqual(rec.vertex?.policy, env[result.recommendation!.envelopeIndex!].policy);
    for (const p of result.budgetPicks!) {
      const at = recommendForBudget(r, p.budget);
      assert.equal(at.index, p.envelopeIndex);
      assert.deepEqual(at.vertex, env[p.envelopeIndex!]);
    }
  });

  it('puts in the vertices of picks the panel lacked, and the whole envelope when asked', () => {
    const before = { ...result, budgetPicks: undefined };
    const s = received(before);
    const lacking = env.findIndex((_, i) => i > n / 2 && !kept.has(i));
    assert.ok(lacking > 0);
    const picks = [{ ...result.budgetPicks![0], envelopeIndex: lacking, budget: env[lacking].cost }] as unknown as AnalysisResult['budgetPicks'];
    const withPicks = { ...before, budgetPicks: picks };
    const message = toFrontierSnapshot({ key: 'k', label: 'k', result: withPicks, files: [], issues: [], status: 'idle' }, undefined, { result: before, kept: envelopeKept(s.result!)!.indices });
    assert.equal(message.resultKept, true);
    assert.deepEqual(message.envelopeAdded?.indices, [lacking]);
    const wire = JSON.parse(JSON.stringify(message)) as FrontierSnapshot;
    assert.ok(isFrontierSnapshot(wire));
    const merged = withEnvelopeAdded({ ...s.result!, budgetPicks: picks }, wire.envelopeAdded!);
    assert.deepEqual(vertexAt(merged, lacking), env[lacking]);
    assert.deepEqual(merged.holdout![positionOf(merged, lacking)].holdout, heldFigures[lacking]);
    assert.equal(recommendForBudget(merged, env[lacking].cost).index, lacking);
    // The whole envelope: every index is itself again.
    const whole = JSON.parse(JSON.stringify(wholeEnvelope(result))) as ReturnType<typeof wholeEnvelope>;
    const all = withWholeEnvelope(merged, whole.vertices, whole.holdout);
    assert.equal(envelopeKept(all), undefined);
    assert.equal(all.envelope.length, n);
    for (const i of [0, 1234, lacking, n - 1]) assert.deepEqual(vertexAt(all, i), env[i]);
    assert.deepEqual(
      all.holdout!.map((h) => h.holdout),
      heldFigures,
    );
  });

  it('marks on the chart the same vertices from the thinned envelope as from the whole one', () => {
    const costs = env.map((v) => v.cost);
    const thinnedCosts = keep.map((i) => env[i].cost);
    for (const log of [false, true]) {
      for (const groups of [150, 300, 512]) {
        const whole = groupedMarkerIndices(costs, log, groups);
        const thinned = groupedMarkerIndices(thinnedCosts, log, groups).map((k) => keep[k]);
        assert.deepEqual(thinned, whole, `log ${log}, ${groups} columns`);
        // Independently: the first and last vertex of each group of grid columns.
        const lo = log ? costs.find((c) => c > 0)! : costs[0];
        const group = (c: number) => Math.floor((column(c, lo, costs[n - 1], ENVELOPE_COLUMNS, log) * groups) / ENVELOPE_COLUMNS);
        const expected: number[] = [];
        for (let i = 0; i < n; i++) if (i === 0 || i === n - 1 || group(costs[i]) !== group(costs[i - 1]) || group(costs[i]) !== group(costs[i + 1])) expected.push(i);
        assert.deepEqual(whole, expected);
      }
    }
  });

  it('marks on the held-out line the same vertices from the thinned envelope as from the whole one, a free policy among them', () => {
    // A policy that cost nothing held out, and the cheapest priced one between two nearly as cheap (inside a run of the log
    // grid's first column): the log grid starts at it.
    const free = 2 * ENVELOPE_TABLE_ROWS + 11;
    const cheapest = Math.floor(n * 0.6) + 3;
    const heldCost = new Map([
      [free, 0],
      [cheapest - 1, 0.5 * (1 + 1e-3)],
      [cheapest, 0.5],
      [cheapest + 1, 0.5 * (1 + 2e-3)],
    ]);
    const holdout = result.holdout!.map((h, i) => (heldCost.has(i) ? { ...h, holdout: { ...h.holdout, cost: heldCost.get(i)! } } : h));
    const held = holdout.map((h) => h.holdout);
    const sent = envelopeToSend({ ...result, holdout }, { holdout: held })!;
    const costs = held.map((h) => h.cost);
    const sentCosts = sent.map((i) => costs[i]);
    for (const log of [false, true]) {
      for (const groups of [150, 300, 512]) {
        const whole = groupedMarkerIndices(costs, log, groups, spanRange(costs));
        const thinned = groupedMarkerIndices(sentCosts, log, groups, spanRange(sentCosts)).map((k) => sent[k]);
        assert.deepEqual(thinned, whole, `log ${log}, ${groups} columns`);
        // Independently: the first and last vertex of each run in one group of grid columns, the grid over every held-out cost.
        const positive = costs.filter((c) => c > 0);
        const lo = log ? Math.min(...positive) : Math.min(...costs);
        assert.equal(lo, log ? 0.5 : 0);
        const group = (c: number) => Math.floor((column(c, lo, Math.max(...costs), ENVELOPE_COLUMNS, log) * groups) / ENVELOPE_COLUMNS);
        const expected: number[] = [];
        for (let i = 0; i < n; i++) if (i === 0 || i === n - 1 || group(costs[i]) !== group(costs[i - 1]) || group(costs[i]) !== group(costs[i + 1])) expected.push(i);
        assert.deepEqual(whole, expected);
        assert.ok(whole.length < n / 2, `${whole.length} markers`);
      }
    }
  });

  it('sends an envelope without held-out figures thinned too, and whole when they do not line up with it', () => {
    const { holdout: _h, ...noHoldout } = result;
    const plain = forPanel(noHoldout as AnalysisResult);
    assert.ok(plain.envelopeKept && plain.envelopeKept.indices.length < n);
    const shuffled = { ...result, holdout: [...result.holdout!].reverse() };
    const whole = forPanel(shuffled);
    assert.equal(whole.envelopeKept, undefined);
    assert.equal(whole.result.envelope.length, n);
  });
});
