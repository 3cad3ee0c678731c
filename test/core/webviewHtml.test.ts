import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { createNonce, frontierCsp, frontierHtml } from '../../src/extension/panel/html.ts';
import { decodePngDataUrl, forPanel, MAX_PANEL_ISSUES, sameButBudgetPicks, toFrontierSnapshot, toListItem } from '../../src/extension/panel/panelData.ts';
import { withEnvelopeHoldout } from '../../webview/controller.ts';
import { analyze } from '../../src/core/analyze.ts';
import { makeDataset } from '../support/dataset.ts';
import { isFrontierSnapshot } from '../../src/protocol.ts';
import type { AnalysisSnapshot } from '../../src/extension/analysisSource.ts';
import { fixtureResult } from './webview.fixture.ts';

const parts = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'abc123+/==',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/frontier.css',
  title: 'Cascade <Frontier>',
};

describe('frontier page', () => {
  const html = frontierHtml(parts);
  const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';

  it('denies everything by default and allows scripts only by nonce', () => {
    const directives = new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([k, ...v]) => [k, v]),
    );
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('script-src'), [`'nonce-${parts.nonce}'`]);
    assert.deepEqual(directives.get('style-src'), [parts.cspSource]);
    assert.equal(csp, frontierCsp(parts.cspSource, parts.nonce));
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  });

  it('loads one script carrying the nonce and no inline code or styles', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0][1], new RegExp(`nonce="${parts.nonce.replace(/[+/]/g, '\\$&')}"`));
    assert.match(scripts[0][1], /src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\.js"/);
    assert.equal(scripts[0][2].trim(), '');
    assert.doesNotMatch(html, /<style|style="/);
  });

  it('loads nothing from elsewhere than the extension', () => {
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(urls.length, 2);
    for (const u of urls) assert.ok(u.startsWith(parts.cspSource), u);
  });

  it('escapes what it interpolates', () => {
    assert.match(html, /<title>Cascade &lt;Frontier&gt;<\/title>/);
  });

  it('nonces are 128 random bits, different every time', () => {
    const a = createNonce();
    const b = createNonce();
    assert.notEqual(a, b);
    assert.equal(Buffer.from(a, 'base64').length, 16);
  });
});

describe('snapshots for the panel', () => {
  const issue = (i: number) => ({ file: 'a.jsonl', line: i + 1, severity: i % 10 === 0 ? ('error' as const) : ('warning' as const), message: 'bad' });
  const snapshot: AnalysisSnapshot = {
    key: 'file:///w/cascade.yaml',
    label: 'cascade.yaml',
    result: fixtureResult(),
    files: [],
    issues: Array.from({ length: 1000 }, (_, i) => issue(i)),
    computedAt: 1,
    status: 'idle',
    budget: 0.5,
  };

  it('caps the issues but counts all of them', () => {
    const s = toFrontierSnapshot(snapshot);
    assert.equal(s.issues.length, MAX_PANEL_ISSUES);
    assert.deepEqual(s.issueCounts, { errors: 100, warnings: 900 });
    assert.equal(s.budget, 0.5);
    assert.ok(isFrontierSnapshot(JSON.parse(JSON.stringify(s))));
  });

  it("passes every field of the store's snapshot on, the backtest and its status included", () => {
    const backtest = { version: 1, rules: { inSample: {}, noiseAware: {} }, splits: [], settings: {} } as unknown as NonNullable<AnalysisSnapshot['backtest']>;
    const full: AnalysisSnapshot = { ...snapshot, backtest, backtestStatus: 'ready', backtestReason: 'x', comparisonStatus: 'computing', comparisonReason: 'y' };
    const s = toFrontierSnapshot(full);
    for (const key of Object.keys(full)) assert.ok(key in s, `${key} reaches the panel`);
    assert.equal(s.backtest, backtest);
    assert.ok(isFrontierSnapshot(JSON.parse(JSON.stringify(s))));
  });

  it('sends only the budget grid picks when they are all that was added to the result sent last', () => {
    const sent = snapshot.result!;
    const picks = [{ budget: 1, feasible: false, reason: 'x' }] as unknown as NonNullable<typeof sent.budgetPicks>;
    const withPicks = { ...sent, budgetPicks: picks };
    const s = toFrontierSnapshot({ ...snapshot, result: withPicks }, undefined, { result: sent });
    assert.equal(s.result, undefined);
    assert.equal(s.resultKept, true);
    assert.equal(s.budgetPicks, picks);
    assert.ok(isFrontierSnapshot(JSON.parse(JSON.stringify(s))));
    // Any other part changed (a new object), or picks on a result never sent: the whole result.
    const other = { ...withPicks, envelope: [...sent.envelope] };
    assert.equal(toFrontierSnapshot({ ...snapshot, result: other }, undefined, { result: sent }).result?.envelope, other.envelope);
    assert.equal(toFrontierSnapshot({ ...snapshot, result: withPicks }, undefined, undefined).result?.budgetPicks, picks);
    // Picks without resultKept are not a valid snapshot.
    assert.equal(isFrontierSnapshot({ ...JSON.parse(JSON.stringify(toFrontierSnapshot(snapshot))), budgetPicks: [] }), false);
  });

  it('tells a result with the budget grid picks put in from one with other parts changed', () => {
    const r = fixtureResult();
    assert.equal(sameButBudgetPicks({ ...r, budgetPicks: [] }, r), true);
    assert.equal(sameButBudgetPicks(r, r), true);
    assert.equal(sameButBudgetPicks({ ...r, hull: [...r.hull] }, r), false);
    assert.equal(sameButBudgetPicks({ ...r, budgetPicks: [] }, fixtureResult()), false);
    // A part left out is a change too.
    const { hull: _h, ...fewer } = r;
    assert.equal(sameButBudgetPicks({ ...fewer, budgetPicks: [] } as unknown as typeof r, r), false);
  });

  describe('the result as it crosses to the panel', () => {
    // Two models with a holdout split: an envelope of several pair vertices, each measured held out.
    const n = 400;
    const s = Array.from({ length: n }, (_, i) => ((i * 7919) % n) / n);
    const data = makeDataset(
      {
        a: { q: s.map((x, i) => (x > 0.4 ? 1 : i % 4 === 0 ? 1 : 0)), s, c: s.map((_, i) => 1 + (i % 3) * 0.1) },
        b: { q: s.map((_, i) => (i % 9 === 0 ? 0 : 1)), s: s.map((_, i) => (i % 13) / 13), c: s.map((_, i) => 10 + (i % 5)) },
      },
      s.map((_, i) => (i % 3 === 0 ? 'test' : 'train')),
    );
    const result = analyze(data, { split: { kind: 'field', calibration: 'train', holdout: 'test' }, bootstrapResamples: 0 });

    it('leaves out of the held-out figures what repeats the envelope, and the panel puts it back as it was', () => {
      assert.ok(result.envelope.length >= 3 && result.holdout?.length === result.envelope.length);
      const sent = toFrontierSnapshot({ ...snapshot, result });
      assert.equal(sent.result?.holdout, undefined);
      assert.equal(sent.envelopeHoldout?.length, result.envelope.length);
      const wire = JSON.parse(JSON.stringify(sent)) as typeof sent;
      assert.ok(isFrontierSnapshot(wire));
      const back = withEnvelopeHoldout(wire);
      assert.equal(back.envelopeHoldout, undefined);
      assert.deepEqual(back.result?.holdout, JSON.parse(JSON.stringify(result.holdout)));
      // Everything else of the result arrives as it was, the pair curves' points aside.
      const { holdout: _h, pairs: _p, ...rest } = result;
      const { holdout: _bh, pairs, ...backRest } = back.result!;
      assert.deepEqual(backRest, JSON.parse(JSON.stringify(rest)));
      assert.deepEqual(
        pairs.map((p) => [p.cheap, p.expensive, p.points.length]),
        result.pairs.map((p) => [p.cheap, p.expensive, 0]),
      );
      assert.ok(result.pairs.every((p) => p.points.length > 0));
      assert.ok(JSON.stringify(sent).length < JSON.stringify({ ...snapshot, result }).length);
    });

    it('sends held-out figures that do not line up with the envelope as they are', () => {
      const shifted = { ...result, holdout: result.holdout!.slice(1) };
      assert.equal(forPanel(shifted).envelopeHoldout, undefined);
      assert.equal(forPanel(shifted).result.holdout, shifted.holdout);
      const other = { ...result, holdout: result.holdout!.map((h, i) => (i === 1 ? { ...h, calibration: { ...h.calibration, quality: h.calibration.quality + 0.01 } } : h)) };
      assert.equal(forPanel(other).envelopeHoldout, undefined);
      // No holdout split: nothing to line up.
      const { holdout: _h, ...none } = result;
      assert.equal(forPanel(none).envelopeHoldout, undefined);
      assert.equal(forPanel(none).result.holdout, undefined);
    });

    it('refuses held-out figures of another length than the envelope, or beside a result with its own', () => {
      const wire = JSON.parse(JSON.stringify(toFrontierSnapshot({ ...snapshot, result })));
      assert.equal(isFrontierSnapshot({ ...wire, envelopeHoldout: wire.envelopeHoldout.slice(1) }), false);
      assert.equal(isFrontierSnapshot({ ...wire, result: { ...wire.result, holdout: [] } }), false);
      const { result: _r, ...noResult } = wire;
      assert.equal(isFrontierSnapshot(noResult), false);
    });
  });

  it('passes on that the budget grid is being computed', () => {
    assert.equal(toFrontierSnapshot({ ...snapshot, budgetPicksPending: true }).budgetPicksPending, true);
    assert.equal(toFrontierSnapshot(snapshot).budgetPicksPending, undefined);
  });

  it('leaves out a result the panel was sent last, and sends any other', () => {
    const kept = toFrontierSnapshot({ ...snapshot, status: 'computing' }, undefined, { result: snapshot.result! });
    assert.equal(kept.result, undefined);
    assert.equal(kept.resultKept, true);
    assert.equal(kept.status, 'computing');
    assert.ok(isFrontierSnapshot(JSON.parse(JSON.stringify(kept))));
    const other = toFrontierSnapshot(snapshot, undefined, { result: fixtureResult() });
    assert.equal(other.result?.envelope, snapshot.result!.envelope);
    assert.equal(other.resultKept, undefined);
    // No result: nothing to keep.
    assert.equal(toFrontierSnapshot({ ...snapshot, result: undefined }, undefined, undefined).resultKept, undefined);
  });

  it('lists an analysis by key, label and status', () => {
    assert.deepEqual(toListItem({ ...snapshot, status: 'computing', result: undefined }), { key: snapshot.key, label: 'cascade.yaml', status: 'computing', hasResult: false });
  });
});

describe('decodePngDataUrl', () => {
  it('returns the PNG bytes of a PNG data URL', () => {
    // A 1x1 PNG assembled here: signature, IHDR, IDAT, IEND (CRCs are not checked by the decoder).
    const chunk = (type: string, data: Buffer) => Buffer.concat([Buffer.alloc(4), Buffer.from(type), data, Buffer.alloc(4)]);
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', Buffer.alloc(13)),
      chunk('IDAT', deflateSync(Buffer.alloc(2))),
      chunk('IEND', Buffer.alloc(0)),
    ]);
    const bytes = decodePngDataUrl(`data:image/png;base64,${png.toString('base64')}`);
    assert.deepEqual(bytes && Buffer.from(bytes), png);
  });

  it('refuses anything else', () => {
    assert.equal(decodePngDataUrl('data:image/jpeg;base64,/9j/'), undefined);
    assert.equal(decodePngDataUrl(`data:image/png;base64,${Buffer.from('GIF89a').toString('base64')}`), undefined);
  });
});
