/**
 * The panel's view of a thinned envelope (`envelopeKept`): `result.envelope` holds some of the
 * whole envelope's vertices, and every index the panel keeps or receives (the selection, the
 * recommendation's and the picks' `envelopeIndex`, a chart point's, a table row's) is one into
 * the whole envelope. These functions translate; for a result that holds its whole envelope
 * they are the identity. The thinning travels with the result object (copied by a spread),
 * under a symbol, so that the result keeps the shape of the core's type. Pure, tested in Node.
 */
import type { AnalysisResult, EnvelopeVertex, Measured } from '../src/core/types.ts';
import type { EnvelopeAdded, EnvelopeKept } from '../src/protocol.ts';
import { lastVertexWithin } from '../src/core/envelope.ts';
import { vertexWithinThinned } from '../src/core/envelopeThinning.ts';

const KEPT = Symbol('envelopeKept');

type Thinned = AnalysisResult & { readonly [KEPT]?: EnvelopeKept };

/** `result` marked as holding the vertices `kept` says of the whole envelope. */
export function withEnvelopeKept(result: AnalysisResult, kept: EnvelopeKept): AnalysisResult {
  return { ...result, [KEPT]: kept } as Thinned;
}

/** `result` with its whole envelope (and the held-out figures of each vertex, when given). */
export function withWholeEnvelope(result: AnalysisResult, vertices: readonly EnvelopeVertex[], holdout: readonly Measured[] | undefined): AnalysisResult {
  const { [KEPT]: _thinned, ...rest } = result as Thinned;
  return { ...rest, envelope: [...vertices], ...(holdout ? { holdout: holdoutOf(vertices, holdout) } : {}) };
}

/** The held-out list of a result from the envelope's vertices and the held-out figures of each. O(v). */
export function holdoutOf(vertices: readonly EnvelopeVertex[], holdout: readonly Measured[]): NonNullable<AnalysisResult['holdout']> {
  return vertices.map((v, i) => ({ policy: v.policy, calibration: { cost: v.cost, quality: v.quality }, holdout: holdout[i] }));
}

/** Which vertices of the whole envelope `result.envelope` holds; undefined when it holds them all. */
export function envelopeKept(result: AnalysisResult): EnvelopeKept | undefined {
  return (result as Thinned)[KEPT];
}

/** Vertices of the whole envelope. */
export function envelopeTotal(result: AnalysisResult): number {
  return envelopeKept(result)?.total ?? result.envelope.length;
}

/** The index in the whole envelope of `result.envelope[position]`. */
export function wholeIndex(result: AnalysisResult, position: number): number {
  const kept = envelopeKept(result);
  return kept ? kept.indices[position] : position;
}

/** Where vertex `index` of the whole envelope is in `result.envelope`, or -1 when it is not there. O(log v). */
export function positionOf(result: AnalysisResult, index: number): number {
  const kept = envelopeKept(result);
  if (!kept) return index >= 0 && index < result.envelope.length ? index : -1;
  const ix = kept.indices;
  let lo = 0;
  let hi = ix.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ix[mid] === index) return mid;
    if (ix[mid] < index) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Vertex `index` of the whole envelope, when the result holds it. O(log v). */
export function vertexAt(result: AnalysisResult, index: number | undefined): EnvelopeVertex | undefined {
  if (index === undefined) return undefined;
  const p = positionOf(result, index);
  return p >= 0 ? result.envelope[p] : undefined;
}

/**
 * The index in the whole envelope of the vertex within `budget` (the last one whose cost is at
 * most it; -1 when none), or undefined when the result does not hold it (then the panel asks
 * for the whole envelope). O(log v).
 */
export function vertexWithin(result: AnalysisResult, budget: number): number | undefined {
  const kept = envelopeKept(result);
  if (!kept) return lastVertexWithin(result.envelope, budget);
  return vertexWithinThinned(result.envelope, kept.indices, kept.nextCosts, budget);
}

/** `result` (thinned) with the vertices `added` put in their places, and their held-out figures. O(v). */
export function withEnvelopeAdded(result: AnalysisResult, added: EnvelopeAdded): AnalysisResult {
  const kept = envelopeKept(result);
  if (!kept) return result;
  const holdout = result.holdout;
  const merged: { index: number; next: number | null; vertex: EnvelopeVertex; holdout?: Measured }[] = kept.indices.map((index, k) => ({
    index,
    next: kept.nextCosts[k],
    vertex: result.envelope[k],
    ...(holdout?.[k] ? { holdout: holdout[k].holdout } : {}),
  }));
  added.indices.forEach((index, k) => {
    if (positionOf(result, index) < 0) merged.push({ index, next: added.nextCosts[k], vertex: added.vertices[k], ...(added.holdout ? { holdout: added.holdout[k] } : {}) });
  });
  merged.sort((a, b) => a.index - b.index);
  const vertices = merged.map((m) => m.vertex);
  const figures = holdout && added.holdout && merged.every((m) => m.holdout) ? merged.map((m) => m.holdout as Measured) : undefined;
  const next = { ...result, envelope: vertices, ...(figures ? { holdout: holdoutOf(vertices, figures) } : {}) };
  return withEnvelopeKept(next, { total: kept.total, indices: merged.map((m) => m.index), nextCosts: merged.map((m) => m.next) });
}
