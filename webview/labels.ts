/**
 * Placing text labels next to chart points so that they neither leave the plot nor cover
 * each other: each label tries its preferred side, then the mirrored sides, then the same
 * further above and below, and keeps the first free spot inside the plot; a spot that also
 * keeps clear of the drawn markers (other points than its own) is preferred. A label that finds
 * none is left out when it is a secondary one (the tooltip and the legend still name its
 * point), and otherwise drawn at its first spot moved inside the plot, never clipped. Pure: it
 * works on pixel boxes measured by the caller.
 */

export interface LabelBox {
  /** The point the label belongs to, in pixels. */
  readonly px: number;
  readonly py: number;
  /** Text size in pixels. */
  readonly width: number;
  readonly height: number;
  /** Preferred offset of the text anchor from the point, and the text alignment at the anchor. */
  readonly dx: number;
  readonly dy: number;
  readonly align: 'left' | 'right' | 'center';
  /** Lower goes first (gets the better spot). */
  readonly priority: number;
  /** Drawn only on a spot clear of the markers too (else hidden, whatever its priority). */
  readonly clearOfMarkers?: boolean;
}

export interface Placement {
  /** Text anchor (x at the alignment edge, y at the middle of the text). */
  readonly x: number;
  readonly y: number;
  readonly align: 'left' | 'right' | 'center';
  /** True for a secondary label with no free spot: not drawn. */
  readonly hidden?: boolean;
}

export interface Rect {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

const overlaps = (a: Rect, b: Rect) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

function rectOf(b: LabelBox, p: Placement): Rect {
  const x0 = p.align === 'left' ? p.x : p.align === 'right' ? p.x - b.width : p.x - b.width / 2;
  return { x0, y0: p.y - b.height / 2, x1: x0 + b.width, y1: p.y + b.height / 2 };
}

function candidates(b: LabelBox): Placement[] {
  const flip = (a: Placement['align']): Placement['align'] => (a === 'left' ? 'right' : a === 'right' ? 'left' : 'center');
  // A label beside its point (small dy) moves above or below it; one above or below moves to the other side.
  const vy = Math.abs(b.dy) < b.height ? b.height : -b.dy;
  const out: Placement[] = [
    { x: b.px + b.dx, y: b.py + b.dy, align: b.align },
    { x: b.px - b.dx, y: b.py + b.dy, align: flip(b.align) },
    { x: b.px + b.dx, y: b.py + vy, align: b.align },
    { x: b.px + b.dx, y: b.py - vy, align: b.align },
    { x: b.px - b.dx, y: b.py + vy, align: flip(b.align) },
    { x: b.px - b.dx, y: b.py - vy, align: flip(b.align) },
  ];
  // Further out, one and two text heights more, above and below.
  for (const k of [2, 3]) {
    const step = Math.abs(vy) + (k - 1) * b.height;
    out.push(
      { x: b.px + b.dx, y: b.py - step, align: b.align },
      { x: b.px + b.dx, y: b.py + step, align: b.align },
      { x: b.px - b.dx, y: b.py - step, align: flip(b.align) },
      { x: b.px - b.dx, y: b.py + step, align: flip(b.align) },
    );
  }
  return out;
}

/**
 * Where to draw each label (same order as `boxes`). `markers` are the boxes of the drawn
 * points: a label keeps clear of them where it can (never of its own point's, which its offset
 * already clears), and else of the other labels only. O(n^2 + n m) for n labels and m markers.
 */
export function placeLabels(boxes: readonly LabelBox[], area: { left: number; right: number; top: number; bottom: number }, markers: readonly Rect[] = []): Placement[] {
  const inside = (r: Rect) => r.x0 >= area.left && r.x1 <= area.right && r.y0 >= area.top && r.y1 <= area.bottom;
  const ownMarker = (b: LabelBox, m: Rect) => Math.abs((m.x0 + m.x1) / 2 - b.px) < 1 && Math.abs((m.y0 + m.y1) / 2 - b.py) < 1;
  const order = boxes.map((_, i) => i).sort((a, b) => boxes[a].priority - boxes[b].priority || a - b);
  const placed: Rect[] = [];
  const result: Placement[] = new Array(boxes.length);
  for (const i of order) {
    const b = boxes[i];
    const options = candidates(b);
    const others = markers.filter((m) => !ownMarker(b, m));
    const freeOfLabels = (p: Placement) => {
      const r = rectOf(b, p);
      return inside(r) && !placed.some((q) => overlaps(r, q));
    };
    const clear = options.find((p) => freeOfLabels(p) && !others.some((m) => overlaps(rectOf(b, p), m)));
    const free = clear ?? (b.clearOfMarkers ? undefined : options.find(freeOfLabels));
    if (!free && (b.priority > 0 || b.clearOfMarkers)) {
      result[i] = { ...options[0], hidden: true };
      continue;
    }
    const chosen = free ?? clampInside(b, options.find((p) => inside(rectOf(b, p))) ?? options[0], area);
    result[i] = chosen;
    placed.push(rectOf(b, chosen));
  }
  return result;
}

/** A placement moved just enough to lie inside the plot (a label wider than the plot starts at its left). */
function clampInside(b: LabelBox, p: Placement, area: { left: number; right: number; top: number; bottom: number }): Placement {
  const r = rectOf(b, p);
  const dx = r.x0 < area.left ? area.left - r.x0 : r.x1 > area.right ? Math.max(area.left - r.x0, area.right - r.x1) : 0;
  const dy = r.y0 < area.top ? area.top - r.y0 : r.y1 > area.bottom ? area.bottom - r.y1 : 0;
  return { ...p, x: p.x + dx, y: p.y + dy };
}
