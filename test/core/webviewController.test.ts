import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BUDGET_DEBOUNCE_MS, PanelController, type Change } from '../../webview/controller.ts';
import type { HostApi } from '../../webview/hostApi.ts';
import { ChartPngRequest, PROTOCOL_VERSION, createNotification, createRequest, SnapshotNotification, AnalysesNotification, type AnyMessage, type FrontierSnapshot } from '../../src/protocol.ts';
import type { AnalysisResult } from '../../src/core/types.ts';
import { fixtureResult } from './webview.fixture.ts';
import { leaveOutHeldRows } from '../../src/protocolRows.ts';

/** The editor's webview API, faked: records posted messages and keeps the state as JSON, like the editor. */
class FakeHost implements HostApi {
  posted: AnyMessage[] = [];
  saved: string | undefined;
  constructor(initial?: unknown) {
    this.saved = initial === undefined ? undefined : JSON.stringify(initial);
  }
  postMessage(message: unknown): void {
    this.posted.push(JSON.parse(JSON.stringify(message)) as AnyMessage);
  }
  getState(): unknown {
    return this.saved === undefined ? undefined : JSON.parse(this.saved);
  }
  setState(state: unknown): void {
    this.saved = JSON.stringify(state);
  }
  methods(): string[] {
    return this.posted.map((m) => m.method);
  }
}

/** Timers run by hand. */
class FakeTimers {
  private next = 1;
  pending = new Map<number, () => void>();
  setTimeout = (fn: () => void) => {
    const id = this.next++;
    this.pending.set(id, fn);
    return id;
  };
  clearTimeout = (h: unknown) => void this.pending.delete(h as number);
  runAll(): void {
    const fns = [...this.pending.values()];
    this.pending.clear();
    fns.forEach((f) => f());
  }
}

function setup(initialState?: unknown, png: string | null = 'data:image/png;base64,iVBORw0KGgo=') {
  const host = new FakeHost(initialState);
  const timers = new FakeTimers();
  const changes: Change[] = [];
  const logs: string[] = [];
  const ctl = new PanelController(host, { onChange: (c) => changes.push(c), chartPng: () => png, setTimeout: timers.setTimeout, clearTimeout: timers.clearTimeout, log: (m) => logs.push(m) });
  return { host, timers, changes, logs, ctl };
}

const snapshot = (over: Partial<FrontierSnapshot> = {}): FrontierSnapshot => ({
  key: 'file:///w/a.yaml',
  label: 'a.yaml',
  result: fixtureResult(),
  files: [],
  issues: [],
  issueCounts: { errors: 0, warnings: 0 },
  computedAt: 1,
  status: 'idle',
  budget: 1.7,
  ...over,
});

const deliver = (ctl: PanelController, s: FrontierSnapshot) => ctl.receive(JSON.parse(JSON.stringify(createNotification(SnapshotNotification, { snapshot: s }))));
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('PanelController', () => {
  it('says ready with the analysis it showed before a reload', () => {
    const fresh = setup();
    fresh.ctl.start();
    assert.deepEqual(
      fresh.host.posted.map((m) => [m.method, (m as { params: unknown }).params]),
      [['webview/ready', {}]],
    );
    const revived = setup({ version: 1, selectedKey: 'file:///w/b.yaml', xScale: 'linear', showPairs: true, sample: 'in-sample', budgets: {} });
    revived.ctl.start();
    assert.deepEqual((revived.host.posted[0] as { params: unknown }).params, { selectedKey: 'file:///w/b.yaml' });
    assert.equal(revived.ctl.state.showPairs, true);
  });

  it('shows a snapshot, follows its key and starts the budget at the configured one', () => {
    const { ctl, host, changes } = setup();
    deliver(ctl, snapshot());
    assert.equal(ctl.snapshot?.label, 'a.yaml');
    assert.equal(ctl.state.selectedKey, 'file:///w/a.yaml');
    assert.equal(ctl.budget, 1.7);
    assert.deepEqual(changes, ['all']);
    assert.equal(JSON.parse(host.saved ?? '{}').selectedKey, 'file:///w/a.yaml');
  });

  it('moves the budget at once and tells the host once the control rests', () => {
    const { ctl, host, timers, changes } = setup();
    deliver(ctl, snapshot());
    ctl.setBudget(2.5);
    ctl.setBudget(3.5);
    assert.equal(ctl.budget, 3.5);
    assert.deepEqual(changes.slice(1), ['budget', 'budget']);
    assert.deepEqual(host.methods(), []);
    assert.equal(timers.pending.size, 1);
    timers.runAll();
    assert.deepEqual(
      host.posted.map((m) => [m.method, (m as { params: unknown }).params]),
      [['budget/changed', { key: 'file:///w/a.yaml', budget: 3.5 }]],
    );
    assert.deepEqual(JSON.parse(host.saved ?? '{}').budgets, { 'file:///w/a.yaml': 3.5 });
    assert.ok(BUDGET_DEBOUNCE_MS > 0);
  });

  it('ignores budgets that are not numbers of dollars', () => {
    const { ctl, timers } = setup();
    deliver(ctl, snapshot());
    ctl.setBudget(NaN);
    ctl.setBudget(-1);
    assert.equal(ctl.budget, 1.7);
    assert.equal(timers.pending.size, 0);
  });

  it('lets a new configured budget replace the control value', () => {
    const { ctl } = setup();
    deliver(ctl, snapshot());
    ctl.setBudget(3);
    deliver(ctl, snapshot({ computedAt: 2 }));
    assert.equal(ctl.budget, 3, 'same configured budget: the control keeps its value');
    deliver(ctl, snapshot({ computedAt: 3, budget: 2.2 }));
    assert.equal(ctl.budget, 2.2);
  });

  it('keeps the result it holds when a snapshot of the same analysis says so, and shows none for another', () => {
    const { ctl } = setup();
    deliver(ctl, snapshot());
    const held = ctl.snapshot?.result;
    ctl.selectVertex(3);
    const { result: _r, ...rest } = snapshot();
    deliver(ctl, { ...rest, status: 'computing', comparisonStatus: 'computing', resultKept: true });
    assert.equal(ctl.snapshot?.status, 'computing');
    assert.equal(ctl.snapshot?.comparisonStatus, 'computing');
    assert.equal(ctl.snapshot?.result, held);
    assert.equal(ctl.snapshot?.resultKept, undefined);
    assert.equal(ctl.selectedVertex, 3);
    deliver(ctl, { ...rest, key: 'file:///w/b.yaml', label: 'b.yaml', resultKept: true });
    assert.equal(ctl.snapshot?.key, 'file:///w/b.yaml');
    assert.equal(ctl.snapshot?.result, undefined);
  });

  it('puts back the envelope rows a new result was sent without from the rows it received last; without them it asks for everything again', () => {
    const first = snapshot();
    const changed = fixtureResult();
    const second = snapshot({ computedAt: 2, result: { ...changed, envelope: changed.envelope.map((v, i) => (i === changed.envelope.length - 1 ? { ...v, quality: v.quality + 0.01 } : v)) } });
    const { rows } = leaveOutHeldRows(first, undefined);
    const { snapshot: lean } = leaveOutHeldRows(second, rows);
    assert.ok(lean.rowsKept && lean.result!.envelope.length === 1, 'only the changed row is sent');
    const { ctl, host } = setup();
    deliver(ctl, first);
    deliver(ctl, lean);
    assert.deepEqual(ctl.snapshot?.result?.envelope, JSON.parse(JSON.stringify(second.result!.envelope)));
    assert.equal(ctl.snapshot?.computedAt, 2);
    assert.equal(ctl.snapshot?.rowsKept, undefined);
    assert.deepEqual(host.methods(), []);
    // A panel that holds no rows for it (another analysis shown since): nothing shown from it, and a ready that gets everything again.
    const other = setup();
    deliver(other.ctl, snapshot({ key: 'file:///w/b.yaml', label: 'b.yaml' }));
    deliver(other.ctl, lean);
    assert.equal(other.ctl.snapshot?.key, 'file:///w/b.yaml');
    assert.deepEqual(other.host.methods(), ['webview/ready']);
  });

  it('puts the budget grid picks sent after a result into the result it holds, selection kept', () => {
    const { ctl, changes, host, timers } = setup();
    deliver(ctl, snapshot({ budgetPicksPending: true }));
    // Once drawn, the panel says so: the host computes the picks then.
    assert.ok(!host.methods().includes('result/shown'));
    timers.runAll();
    const shown = host.posted.filter((m) => m.method === 'result/shown') as (AnyMessage & { params: unknown })[];
    assert.deepEqual(
      shown.map((m) => [m.kind, m.params]),
      [['command', { key: 'file:///w/a.yaml' }]],
    );
    const held = ctl.snapshot!.result!;
    ctl.selectVertex(2);
    changes.length = 0;
    const picks = [{ budget: 1.5, feasible: true, choice: { policy: held.envelope[1].policy, cost: held.envelope[1].cost, quality: held.envelope[1].quality, escalationRate: 0 }, envelopeIndex: 1 }];
    const { result: _r, ...rest } = snapshot();
    deliver(ctl, { ...rest, resultKept: true, budgetPicks: picks } as unknown as FrontierSnapshot);
    const now = ctl.snapshot!.result!;
    assert.deepEqual(now.budgetPicks, picks);
    assert.equal(now.envelope, held.envelope);
    assert.equal(ctl.snapshot?.budgetPicks, undefined);
    assert.equal(ctl.snapshot?.budgetPicksPending, undefined);
    assert.equal(ctl.selectedVertex, 2);
    // Only the picks came: what depends on the budget is redrawn, not the whole panel.
    assert.deepEqual(changes, ['picks']);
    // Picks with anything else changed: everything.
    deliver(ctl, { ...rest, status: 'computing', resultKept: true, budgetPicks: picks } as unknown as FrontierSnapshot);
    assert.deepEqual(changes, ['picks', 'all']);
    // No picks pending: nothing to say.
    timers.runAll();
    assert.equal(host.posted.filter((m) => m.method === 'result/shown').length, 1);
  });

  it('asks for the pair curves once they are to be drawn and the result came without their points, and puts them in', async () => {
    const { ctl, host } = setup();
    const full = fixtureResult();
    const bare = { ...full, pairs: full.pairs.map((p) => ({ ...p, points: [] })) };
    deliver(ctl, snapshot({ result: bare }));
    assert.ok(!host.methods().includes('result/pairCurves'), 'not asked while the curves are hidden');
    ctl.setShowPairs(true);
    ctl.setShowPairs(true);
    const asks = host.posted.filter((m) => m.method === 'result/pairCurves') as (AnyMessage & { id: number; params: unknown })[];
    assert.equal(asks.length, 1, 'asked once');
    assert.deepEqual(asks[0].params, { key: 'file:///w/a.yaml' });
    const answer = (id: number, pairs: unknown) =>
      ctl.receive({ protocol: 'cascadeFrontier', version: PROTOCOL_VERSION, kind: 'response', method: 'result/pairCurves', id, ok: true, result: { pairs } });
    answer(asks[0].id, JSON.parse(JSON.stringify(full.pairs)));
    await flush();
    assert.deepEqual(ctl.snapshot?.result?.pairs, JSON.parse(JSON.stringify(full.pairs)));
    assert.equal(ctl.snapshot?.result?.envelope.length, full.envelope.length);
    // A newer result arrives while the answer for the older one is on its way: the answer is dropped, the newer one asked for.
    deliver(ctl, snapshot({ computedAt: 2, result: bare }));
    const again = host.posted.filter((m) => m.method === 'result/pairCurves') as (AnyMessage & { id: number })[];
    assert.equal(again.length, 2);
    deliver(ctl, snapshot({ computedAt: 3, result: bare }));
    const third = host.posted.filter((m) => m.method === 'result/pairCurves') as (AnyMessage & { id: number })[];
    assert.equal(third.length, 3);
    answer(third[1].id, JSON.parse(JSON.stringify(full.pairs)));
    await flush();
    assert.ok(
      ctl.snapshot?.result?.pairs.every((p) => p.points.length === 0),
      'the answer for a result no longer shown is dropped',
    );
    answer(third[2].id, JSON.parse(JSON.stringify(full.pairs)));
    await flush();
    assert.deepEqual(ctl.snapshot?.result?.pairs, JSON.parse(JSON.stringify(full.pairs)));
  });

  it('does not ask for pair curves that came with the result', () => {
    const { ctl, host } = setup();
    ctl.setShowPairs(true);
    deliver(ctl, snapshot());
    assert.ok(!host.methods().includes('result/pairCurves'));
  });

  it('after a recompute keeps the clicked policy selected at its new index, or drops it', () => {
    const { ctl } = setup();
    deliver(ctl, snapshot());
    ctl.selectVertex(3);
    const r = fixtureResult();
    // A new vertex before it shifts the policy B -> C @ 0.3 from index 3 to 4.
    const shifted: AnalysisResult = { ...r, envelope: [r.envelope[0], { ...r.envelope[1], cost: 1.2, quality: 0.55 }, ...r.envelope.slice(1)] };
    deliver(ctl, snapshot({ computedAt: 2, result: shifted }));
    assert.equal(ctl.selectedVertex, 4);
    const without: AnalysisResult = { ...r, envelope: r.envelope.filter((_, i) => i !== 3) };
    deliver(ctl, snapshot({ computedAt: 3, result: without }));
    assert.equal(ctl.selectedVertex, undefined);
  });

  it('keeps zoom and clicked vertex to the analysis they were made on', () => {
    const { ctl } = setup();
    deliver(ctl, snapshot());
    ctl.setZoom({ xMin: 1, xMax: 2, yMin: 0.5, yMax: 0.7 });
    ctl.selectVertex(2);
    deliver(ctl, snapshot({ computedAt: 2 }));
    assert.deepEqual(ctl.zoom, { key: 'file:///w/a.yaml', xMin: 1, xMax: 2, yMin: 0.5, yMax: 0.7 });
    deliver(ctl, snapshot({ key: 'file:///w/b.yaml', label: 'b.yaml' }));
    assert.equal(ctl.zoom, undefined);
    assert.equal(ctl.selectedVertex, undefined);
  });

  it('asks the host to switch analysis', () => {
    const { ctl, host } = setup();
    deliver(ctl, snapshot());
    ctl.selectAnalysis('file:///w/b.yaml');
    ctl.selectAnalysis('file:///w/b.yaml');
    assert.deepEqual(
      host.posted.map((m) => [m.method, (m as { params: unknown }).params]),
      [['analysis/select', { key: 'file:///w/b.yaml' }]],
    );
    assert.equal(ctl.state.selectedKey, 'file:///w/b.yaml');
  });

  it('follows the host when the list names another selection', () => {
    const { ctl, changes } = setup();
    ctl.receive(createNotification(AnalysesNotification, { analyses: [{ key: 'k1', label: 'one', status: 'idle', hasResult: true }], selectedKey: 'k1' }));
    assert.equal(ctl.state.selectedKey, 'k1');
    assert.equal(ctl.analyses.length, 1);
    assert.deepEqual(changes, ['list']);
  });

  it('applies the selected vertex through a request and reports the answer', async () => {
    const { ctl, host } = setup();
    deliver(ctl, snapshot());
    assert.deepEqual(await ctl.applySelected(), { ok: false, message: 'Select a vertex first.' });
    ctl.selectVertex(2);
    const pending = ctl.applySelected();
    const req = host.posted.at(-1) as AnyMessage & { id: number; params: unknown };
    assert.equal(req.kind, 'request');
    assert.equal(req.method, 'config/applyPolicy');
    assert.deepEqual(req.params, { key: 'file:///w/a.yaml', policy: { kind: 'pair', models: ['A', 'C'], thresholds: [0.5] } });
    ctl.receive({ protocol: 'cascadeFrontier', version: PROTOCOL_VERSION, kind: 'response', method: 'config/applyPolicy', id: req.id, ok: true, result: { ok: true, message: 'Wrote A → C.' } });
    assert.deepEqual(await pending, { ok: true, message: 'Wrote A → C.' });

    const failing = ctl.saveBudget();
    const save = host.posted.at(-1) as AnyMessage & { id: number; params: unknown };
    assert.deepEqual(save.params, { key: 'file:///w/a.yaml', budget: 1.7 });
    ctl.receive({ protocol: 'cascadeFrontier', version: PROTOCOL_VERSION, kind: 'response', method: 'config/saveBudget', id: save.id, ok: false, error: 'the file is read-only' });
    assert.deepEqual(await failing, { ok: false, message: 'config/saveBudget: the file is read-only' });
  });

  it('answers the chart image request, with null before there is a chart', async () => {
    const { ctl, host } = setup();
    ctl.receive(createRequest(ChartPngRequest, 5, {}));
    await flush();
    deliver(ctl, snapshot());
    ctl.receive(createRequest(ChartPngRequest, 6, {}));
    await flush();
    const answers = host.posted.filter((m) => m.kind === 'response') as (AnyMessage & { id: number; result: unknown })[];
    assert.deepEqual(
      answers.map((a) => [a.id, a.result]),
      [
        [5, { dataUrl: null }],
        [6, { dataUrl: 'data:image/png;base64,iVBORw0KGgo=' }],
      ],
    );
  });

  it('logs and ignores what is not a message of the protocol', () => {
    const { ctl, logs, changes } = setup();
    ctl.receive({ type: 'snapshot', data: {} });
    ctl.receive(createNotification(SnapshotNotification, { snapshot: { ...snapshot(), status: 'busy' } as unknown as FrontierSnapshot }));
    assert.equal(ctl.snapshot, undefined);
    assert.deepEqual(changes, []);
    assert.equal(logs.length, 2);
  });
});
