import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AnalysesNotification,
  ApplyPolicyRequest,
  BudgetChangedCommand,
  ChartPngRequest,
  createCommand,
  createNotification,
  createRequest,
  createResponse,
  describeMessage,
  isCommand,
  isFrontierSnapshot,
  isNotification,
  isPolicySpec,
  isProtocolMessage,
  isRequest,
  isResponse,
  PROTOCOL_VERSION,
  ReadyCommand,
  SaveBudgetRequest,
  SnapshotNotification,
  type AnyMessage,
  type FrontierSnapshot,
} from '../../src/protocol.ts';
import { ProtocolEndpoint } from '../../src/protocolEndpoint.ts';
import { fixtureResult, pair } from './webview.fixture.ts';

const snapshot = (): FrontierSnapshot => ({
  key: 'file:///w/cascade.yaml',
  label: 'cascade.yaml',
  result: fixtureResult(),
  files: [{ file: 'a.jsonl', format: 'jsonl', models: ['A'], records: 10, rejected: 0, derived: [], missing: [] }],
  issues: [{ file: 'a.jsonl', line: 3, severity: 'warning', message: 'confidence is missing' }],
  issueCounts: { errors: 0, warnings: 1 },
  computedAt: 1700000000000,
  status: 'idle',
  budget: 0.0002,
});

/** A JSON round trip, as the editor's channel does. */
const wire = <T>(v: T): unknown => JSON.parse(JSON.stringify(v));

describe('message guards', () => {
  it('accept a well-formed message of the right type after a JSON round trip', () => {
    assert.ok(isCommand(wire(createCommand(ReadyCommand, {})), ReadyCommand));
    assert.ok(isCommand(wire(createCommand(BudgetChangedCommand, { key: 'k', budget: 0.001 })), BudgetChangedCommand));
    assert.ok(isNotification(wire(createNotification(SnapshotNotification, { snapshot: snapshot() })), SnapshotNotification));
    assert.ok(isRequest(wire(createRequest(ApplyPolicyRequest, 7, { key: 'k', policy: pair('A', 'C', null) })), ApplyPolicyRequest));
    assert.ok(isResponse(wire(createResponse(ChartPngRequest, 7, { dataUrl: 'data:image/png;base64,AAAA' })), ChartPngRequest));
  });

  it('reject another method, another version, another protocol or a bad payload', () => {
    const ready = createCommand(ReadyCommand, {});
    assert.equal(isCommand(ready, BudgetChangedCommand), false);
    assert.equal(isCommand({ ...ready, version: PROTOCOL_VERSION + 1 }, ReadyCommand), false);
    assert.equal(isCommand({ ...ready, protocol: 'other' }, ReadyCommand), false);
    assert.equal(isCommand({ ...ready, kind: 'notification' }, ReadyCommand), false);
    assert.equal(isCommand(createCommand(BudgetChangedCommand, { key: 'k', budget: -1 }), BudgetChangedCommand), false);
    assert.equal(isCommand(wire(createCommand(BudgetChangedCommand, { key: 'k', budget: Infinity })), BudgetChangedCommand), false);
    assert.equal(isRequest(createRequest(ApplyPolicyRequest, 1, { key: 'k', policy: { kind: 'pair', models: ['A', 'B'], thresholds: [] } }), ApplyPolicyRequest), false);
    assert.equal(isResponse(createResponse(ChartPngRequest, 1, { dataUrl: 'data:text/html,<b>' }), ChartPngRequest), false);
    // A saved budget's answer carries the dollars written (the config states them, rounded).
    assert.ok(isResponse(wire(createResponse(SaveBudgetRequest, 2, { ok: true, message: 'Saved budget', budget: 0.000129 })), SaveBudgetRequest));
    assert.equal(isResponse(createResponse(SaveBudgetRequest, 2, { ok: true, message: 'Saved budget', budget: Number.NaN }), SaveBudgetRequest), false);
    assert.equal(isResponse({ ...createResponse(SaveBudgetRequest, 2, { ok: true, message: 'Saved budget' }), result: { ok: true, message: 'x', budget: '0.000129' } }, SaveBudgetRequest), false);
    assert.equal(isProtocolMessage(null), false);
    assert.equal(isProtocolMessage({ protocol: 'cascadeFrontier', version: PROTOCOL_VERSION, kind: 'request', method: 'x', id: 1.5, params: {} }), false);
  });

  it('check a snapshot field by field', () => {
    assert.ok(isFrontierSnapshot(wire(snapshot())));
    const { result: _r, ...withoutResult } = snapshot();
    assert.ok(isFrontierSnapshot(withoutResult));
    assert.equal(isFrontierSnapshot({ ...snapshot(), status: 'busy' }), false);
    assert.equal(isFrontierSnapshot({ ...snapshot(), issueCounts: { errors: 0 } }), false);
    // A kept result travels as a flag, never beside a result.
    assert.ok(isFrontierSnapshot({ ...withoutResult, resultKept: true }));
    assert.equal(isFrontierSnapshot({ ...snapshot(), resultKept: true }), false);
    assert.equal(isFrontierSnapshot({ ...withoutResult, resultKept: false }), false);
    assert.equal(isFrontierSnapshot({ ...snapshot(), result: { ...fixtureResult(), version: 2 } }), false);
    assert.equal(isFrontierSnapshot({ ...snapshot(), files: [{ file: 'a' }] }), false);
    assert.equal(isFrontierSnapshot({ ...snapshot(), cascade: { kind: 'pair', models: ['A'], thresholds: [] } }), false);
    // Each optional field: accepted absent or well-typed, refused with a value of the wrong type.
    const wrong: Record<string, unknown> = {
      computedAt: 'yesterday',
      durationMs: Number.NaN,
      error: 42,
      budget: '0.0002',
      target: Number.POSITIVE_INFINITY,
      cascade: 'A -> B',
      comparison: { version: 1 },
      comparisonStatus: 'done',
      comparisonReason: null,
      backtest: { version: 2 },
      backtestStatus: 'busy',
      backtestReason: 7,
      cascadeSkipped: false,
      configProblems: { errors: 1 },
    };
    for (const [field, value] of Object.entries(wrong)) {
      assert.equal(isFrontierSnapshot({ ...snapshot(), [field]: value }), false, field);
      assert.ok(isFrontierSnapshot({ ...snapshot(), [field]: undefined }), field);
    }
    assert.ok(isFrontierSnapshot({ ...snapshot(), comparisonStatus: 'computing', backtestStatus: 'unavailable', configProblems: { errors: 1, warnings: 0 }, error: 'x' }));
  });

  it('policy specs need one threshold fewer than models, finite or null', () => {
    assert.ok(isPolicySpec({ kind: 'single', models: ['A'], thresholds: [] }));
    assert.ok(isPolicySpec({ kind: 'chain', models: ['A', 'B', 'C'], thresholds: [0.1, null] }));
    assert.equal(isPolicySpec({ kind: 'pair', models: ['A', 'B'], thresholds: [NaN] }), false);
    assert.equal(isPolicySpec({ kind: 'router', models: ['A'], thresholds: [] }), false);
  });

  it('describe rejected messages for the log', () => {
    assert.equal(describeMessage(5), 'non-object message (number)');
    assert.equal(describeMessage({ protocol: 'cascadeFrontier', version: 0, method: 'webview/ready' }), `message of protocol version 0 (expected ${PROTOCOL_VERSION}): webview/ready`);
  });
});

/** A host and a webview endpoint wired to each other through JSON, delivering asynchronously. */
function connected() {
  const invalid: { host: string[]; webview: string[] } = { host: [], webview: [] };
  let host!: ProtocolEndpoint;
  let webview!: ProtocolEndpoint;
  const deliver = (to: () => ProtocolEndpoint) => (m: AnyMessage) => void queueMicrotask(() => to().receive(wire(m)));
  host = new ProtocolEndpoint(
    'host',
    deliver(() => webview),
    (d) => invalid.host.push(d),
  );
  webview = new ProtocolEndpoint(
    'webview',
    deliver(() => host),
    (d) => invalid.webview.push(d),
  );
  return { host, webview, invalid };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('ProtocolEndpoint', () => {
  it('delivers commands to the host and notifications to the webview', async () => {
    const { host, webview } = connected();
    const got: unknown[] = [];
    host.onCommand(ReadyCommand, (p) => got.push(['ready', p]));
    webview.onNotification(AnalysesNotification, (p) => got.push(['list', p.analyses.length, p.selectedKey]));
    webview.sendCommand(ReadyCommand, { selectedKey: 'a' });
    host.sendNotification(AnalysesNotification, { analyses: [{ key: 'a', label: 'A', status: 'idle', hasResult: true }], selectedKey: 'a' });
    await tick();
    assert.deepEqual(got, [
      ['ready', { selectedKey: 'a' }],
      ['list', 1, 'a'],
    ]);
  });

  it('pairs requests with responses in both directions', async () => {
    const { host, webview } = connected();
    host.onRequest(SaveBudgetRequest, async (p) => ({ ok: true, message: `saved ${p.budget}` }));
    webview.onRequest(ChartPngRequest, () => ({ dataUrl: 'data:image/png;base64,iVBORw0KGgo=' }));
    const [a, b] = await Promise.all([webview.request(SaveBudgetRequest, { key: 'k', budget: 0.5 }), webview.request(SaveBudgetRequest, { key: 'k', budget: 0.25 })]);
    assert.deepEqual([a.message, b.message], ['saved 0.5', 'saved 0.25']);
    assert.deepEqual(await host.request(ChartPngRequest, {}), { dataUrl: 'data:image/png;base64,iVBORw0KGgo=' });
  });

  it('turns a handler error into an error answer', async () => {
    const { host, webview } = connected();
    host.onRequest(ApplyPolicyRequest, () => {
      throw new Error('the config is read-only');
    });
    await assert.rejects(webview.request(ApplyPolicyRequest, { key: 'k', policy: pair('A', 'C', 0.5) }), /config\/applyPolicy: the config is read-only/);
  });

  it('answers a request with a bad payload or without a handler with an error, and reports it', async () => {
    const { host, webview, invalid } = connected();
    host.onRequest(SaveBudgetRequest, () => ({ ok: true, message: 'never' }));
    // Bypass the typed API to send what a broken peer might.
    await assert.rejects(webview.request(SaveBudgetRequest, { key: 'k', budget: -5 }), /invalid parameters/);
    await assert.rejects(webview.request(ApplyPolicyRequest, { key: 'k', policy: pair('A', 'C', 0.5) }), /not handled here/);
    assert.equal(invalid.host.length, 2);
  });

  it('ignores messages that fail the guards and reports them', async () => {
    const { host, invalid } = connected();
    let called = false;
    host.onCommand(BudgetChangedCommand, () => (called = true));
    assert.equal(host.receive({ protocol: 'cascadeFrontier', version: PROTOCOL_VERSION, kind: 'command', method: 'budget/changed', params: { key: 'k', budget: 'lots' } }), true);
    assert.equal(host.receive({ type: 'ready' }), false);
    assert.equal(called, false);
    assert.equal(invalid.host.length, 2);
  });

  it('refuses to send a message the wrong way', () => {
    const { host, webview } = connected();
    assert.throws(() => host.sendCommand(ReadyCommand, {}), /not used on the host side/);
    assert.throws(() => webview.sendNotification(SnapshotNotification, { snapshot: snapshot() }), /not used on the webview side/);
    assert.throws(() => webview.onCommand(ReadyCommand, () => {}), /not used on the webview side/);
  });

  it('rejects a request nobody answers after its timeout, and pending requests on dispose', async () => {
    const silent = new ProtocolEndpoint('host', () => {});
    await assert.rejects(silent.request(ChartPngRequest, {}, 5), /chart\/png: no answer within 5 ms/);
    const pending = silent.request(ChartPngRequest, {}, 60_000);
    silent.dispose();
    await assert.rejects(pending, /closed before an answer came/);
    await assert.rejects(silent.request(ChartPngRequest, {}), /the channel is closed/);
  });

  it('allows one handler per message type, and lets it go', () => {
    const { host } = connected();
    const d = host.onCommand(ReadyCommand, () => {});
    assert.throws(() => host.onCommand(ReadyCommand, () => {}), /already registered/);
    d.dispose();
    host.onCommand(ReadyCommand, () => {});
  });
});
