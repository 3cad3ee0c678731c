import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { placeLabels, type LabelBox } from '../../webview/labels.ts';

const area = { left: 0, right: 200, top: 0, bottom: 100 };
const box = (over: Partial<LabelBox>): LabelBox => ({ px: 50, py: 50, width: 40, height: 10, dx: 8, dy: 0, align: 'left', priority: 1, ...over });

describe('placeLabels', () => {
  it('keeps the preferred spot when it is free and inside', () => {
    assert.deepEqual(placeLabels([box({})], area), [{ x: 58, y: 50, align: 'left' }]);
  });

  it('mirrors a label that would leave the plot on the right', () => {
    // Preferred: 188..228 > 200; mirrored to the left of the point: anchor 182, right-aligned.
    assert.deepEqual(placeLabels([box({ px: 190 })], area), [{ x: 182, y: 50, align: 'right' }]);
  });

  it('moves the second of two colliding labels, the higher priority one keeps its spot', () => {
    const a = box({ px: 50, py: 50, priority: 1 });
    const b = box({ px: 52, py: 51, priority: 0 });
    const [pa, pb] = placeLabels([a, b], area);
    assert.deepEqual(pb, { x: 60, y: 51, align: 'left' });
    // a tries its own spot (covered by b), then the left side of its point.
    assert.deepEqual(pa, { x: 42, y: 50, align: 'right' });
  });

  it('tries above and below when both sides are taken', () => {
    const blockers = [box({ px: 100, py: 50, dx: 8, priority: 0 }), box({ px: 100, py: 50, dx: -8, align: 'right', priority: 0 })];
    const third = box({ px: 100, py: 50 });
    const places = placeLabels([...blockers, third], area);
    assert.deepEqual(places[2], { x: 108, y: 60, align: 'left' });
  });

  it('when nothing is free keeps a spot inside the plot', () => {
    const crowd = Array.from({ length: 8 }, () => box({ px: 100, py: 50 }));
    for (const p of placeLabels(crowd, area)) {
      const x0 = p.align === 'left' ? p.x : p.x - 40;
      assert.ok(x0 >= 0 && x0 + 40 <= 200 && p.y - 5 >= 0 && p.y + 5 <= 100);
    }
  });

  it("keeps clear of other points' markers where it can, never minding its own", () => {
    // Its own marker (centred on its point) does not move it.
    const own = { x0: 45, y0: 45, x1: 55, y1: 55 };
    assert.deepEqual(placeLabels([box({})], area, [own]), [{ x: 58, y: 50, align: 'left' }]);
    // Another point's marker on the preferred spot (58..98, 45..55): the mirrored side is taken.
    const other = { x0: 70, y0: 46, x1: 78, y1: 54 };
    assert.deepEqual(placeLabels([box({})], area, [own, other]), [{ x: 42, y: 50, align: 'right' }]);
  });

  it('when markers leave no spot, still keeps clear of the other labels', () => {
    // Markers cover the whole plot: the label takes the first spot free of labels, as without markers.
    const everywhere = { x0: -1, y0: -1, x1: 201, y1: 101 };
    const blocker = box({ px: 50, py: 50, priority: 0 });
    const [, p] = placeLabels([blocker, box({ px: 52, py: 51 })], area, [everywhere]);
    assert.deepEqual(p, placeLabels([blocker, box({ px: 52, py: 51 })], area)[1]);
    assert.notDeepEqual(p, { x: 60, y: 51, align: 'left' });
  });

  it('hides a label that must keep clear of the markers when no spot does', () => {
    const everywhere = { x0: -1, y0: -1, x1: 201, y1: 101 };
    assert.equal(placeLabels([box({ clearOfMarkers: true, priority: 0 })], area, [everywhere])[0]!.hidden, true);
    assert.deepEqual(placeLabels([box({ clearOfMarkers: true })], area, []), [{ x: 58, y: 50, align: 'left' }]);
  });
});
