import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_VIEW_STATE, restoreViewState, selectedVertexFor, zoomFor } from '../../webview/viewState.ts';

describe('restoreViewState', () => {
  it('starts from the defaults when nothing (or something else) was saved', () => {
    assert.deepEqual(restoreViewState(undefined), DEFAULT_VIEW_STATE);
    assert.deepEqual(restoreViewState('x'), DEFAULT_VIEW_STATE);
    assert.deepEqual(restoreViewState({ version: 2, xScale: 'linear' }), DEFAULT_VIEW_STATE);
    assert.equal(DEFAULT_VIEW_STATE.showPairs, false);
  });

  it('keeps every well-formed field', () => {
    const saved = {
      version: 1,
      selectedKey: 'file:///w/a.yaml',
      xScale: 'linear',
      showPairs: true,
      sample: 'held-out',
      budgets: { 'file:///w/a.yaml': 0.0002 },
      zoom: { key: 'file:///w/a.yaml', xMin: 0.0001, xMax: 0.0003, yMin: 0.6, yMax: 0.9 },
      selectedVertex: { key: 'file:///w/a.yaml', index: 4 },
    };
    assert.deepEqual(restoreViewState(JSON.parse(JSON.stringify(saved))), saved);
  });

  it('drops malformed fields one by one', () => {
    const s = restoreViewState({
      version: 1,
      selectedKey: 3,
      xScale: 'cubic',
      showPairs: 'yes',
      sample: 'both',
      budgets: { a: -1, b: 'x', c: 0.5 },
      zoom: { key: 'a', xMin: 2, xMax: 1, yMin: 0, yMax: 1 },
      selectedVertex: { key: 'a', index: -1 },
    });
    assert.deepEqual(s, { version: 1, xScale: 'log', showPairs: false, sample: 'in-sample', budgets: { c: 0.5 } });
  });
});

describe('per-analysis parts', () => {
  const s = restoreViewState({ version: 1, zoom: { key: 'a', xMin: 1, xMax: 2, yMin: 0, yMax: 1 }, selectedVertex: { key: 'a', index: 2 } });
  it('apply only to the analysis they were made on', () => {
    assert.deepEqual(zoomFor(s, 'a'), { key: 'a', xMin: 1, xMax: 2, yMin: 0, yMax: 1 });
    assert.equal(zoomFor(s, 'b'), undefined);
    assert.equal(selectedVertexFor(s, 'a'), 2);
    assert.equal(selectedVertexFor(s, 'b'), undefined);
  });
});
